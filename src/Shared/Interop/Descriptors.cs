using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// What fcntl(2), dup2(2) and poll(2) do to one descriptor, under .NET names. The Try methods return 0 or the
/// errno, read right after the call, and allocate nothing: the launcher calls them while descriptors 3.. are
/// being replaced under the runtime's feet.
/// </summary>
internal static unsafe class Descriptors
{
    /// <summary>Whether FD_CLOEXEC is set (F_GETFD); null when <paramref name="fd"/> is not open, its errno in <paramref name="errno"/>.</summary>
    internal static bool? CloseOnExec(int fd, out int errno) => HasFlag(fd, F_GETFD, FD_CLOEXEC, out errno);

    /// <summary>Sets FD_CLOEXEC (F_GETFD, F_SETFD), so no child inherits <paramref name="fd"/>; 0, or the errno (EBADF: not open).</summary>
    internal static int TrySetCloseOnExec(int fd) => TryAddFlag(fd, F_GETFD, F_SETFD, FD_CLOEXEC);

    /// <summary>Whether O_NONBLOCK is set on the open file description (F_GETFL); null when <paramref name="fd"/> is not open.</summary>
    internal static bool? NonBlocking(int fd, out int errno) => HasFlag(fd, F_GETFL, O_NONBLOCK, out errno);

    /// <summary>
    /// Sets O_NONBLOCK (F_GETFL, F_SETFL). The flag belongs to the open file description, so every process holding a
    /// copy of <paramref name="fd"/> sees it. 0, or the errno.
    /// </summary>
    internal static int TrySetNonBlocking(int fd) => TryAddFlag(fd, F_GETFL, F_SETFL, O_NONBLOCK);

    /// <summary>Whether <paramref name="flag"/> is set among the flags <paramref name="get"/> reads (F_GETFD: the descriptor's, F_GETFL: the open file description's).</summary>
    private static bool? HasFlag(int fd, int get, int flag, out int errno)
    {
        int flags = fcntl(fd, get, 0);
        errno = flags < 0 ? Marshal.GetLastPInvokeError() : 0;
        return flags < 0 ? null : (flags & flag) != 0;
    }

    /// <summary>Adds <paramref name="flag"/> (read with <paramref name="get"/>, written with <paramref name="set"/> only when missing); 0, or the errno.</summary>
    private static int TryAddFlag(int fd, int get, int set, int flag)
    {
        int flags = fcntl(fd, get, 0);
        if (flags < 0) return Marshal.GetLastPInvokeError();
        if ((flags & flag) != 0) return 0;
        return fcntl(fd, set, flags | flag) < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>
    /// Clears FD_CLOEXEC: <paramref name="fd"/> survives the next exec (the supervisor re-executing itself keeps its
    /// listeners and connections). 0, or the errno.
    /// </summary>
    internal static int TryClearCloseOnExec(int fd)
    {
        int flags = fcntl(fd, F_GETFD, 0);
        if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0) return Marshal.GetLastPInvokeError();
        return 0;
    }

    /// <summary>
    /// A CLOEXEC copy of <paramref name="fd"/> in <paramref name="copy"/>, numbered at least <paramref name="lowest"/>
    /// (F_DUPFD_CLOEXEC); the caller owns it. 0, or the errno.
    /// </summary>
    internal static int TryCopyAbove(int fd, int lowest, out int copy)
    {
        copy = fcntl(fd, F_DUPFD_CLOEXEC, lowest);
        return copy < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>
    /// Makes <paramref name="target"/> a copy of <paramref name="fd"/>, closing what was there (dup2). FD_CLOEXEC is
    /// clear on the copy: it is what survives an exec. 0, or the errno.
    /// </summary>
    internal static int TryPlace(int fd, int target) => dup2(fd, target) < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>
    /// Waits until <paramref name="handle"/> is readable (or, with <paramref name="writable"/>, writable), closed or
    /// in error (poll); false on timeout. A failed poll counts as ready: the caller's next call reports the error.
    /// </summary>
    internal static bool WaitReady(SafeHandle handle, bool writable, TimeSpan timeout)
    {
        // Held for the whole wait: a Dispose on another thread must not let poll() watch a reused number.
        using var lease = new DescriptorLease(handle);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var pfd = new pollfd { fd = lease.Fd, events = writable ? POLLOUT : POLLIN };
            int ms = (int)Math.Clamp((deadline - DateTime.UtcNow).TotalMilliseconds, 0, int.MaxValue);
            int n = poll(&pfd, 1, ms);
            if (n > 0) return true;
            if (n == 0) return false;
            if (Marshal.GetLastPInvokeError() != EINTR) return true;
        }
    }
}
