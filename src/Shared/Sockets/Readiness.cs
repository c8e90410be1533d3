using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Blocking waits on one descriptor, for the synchronous paths (CLI, worker start-up).</summary>
internal static class Readiness
{
    /// <summary>Waits until the socket is readable (or closed/errored); false on timeout.</summary>
    public static bool WaitReadable(Socket socket, TimeSpan timeout) => Wait(socket, POLLIN, timeout);

    /// <summary>Waits until the socket is writable (or closed/errored); false on timeout.</summary>
    public static bool WaitWritable(Socket socket, TimeSpan timeout) => Wait(socket, POLLOUT, timeout);

    private static unsafe bool Wait(Socket socket, short events, TimeSpan timeout)
    {
        // Held for the whole wait: a Dispose on another thread must not let poll() watch a reused number.
        using var lease = new DescriptorLease(socket.SafeHandle);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pfd = new pollfd { fd = lease.Fd, events = events };
            int ms = (int)Math.Clamp((deadline - DateTime.UtcNow).TotalMilliseconds, 0, int.MaxValue);
            int n = poll(&pfd, 1, ms);
            if (n > 0) return true;
            if (n == 0) return false;
            if (Marshal.GetLastPInvokeError() != EINTR) return true; // let the following call report the error
        }
    }
}
