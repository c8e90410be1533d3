using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>Blocking waits on one socket, for the synchronous paths (CLI, worker start-up).</summary>
internal static class Readiness
{
    /// <summary>Waits until the socket is readable (or closed/errored); false on timeout.</summary>
    public static bool WaitReadable(Socket socket, TimeSpan timeout) => Descriptors.WaitReady(socket.SafeHandle, writable: false, timeout);

    /// <summary>Waits until the socket is writable (or closed/errored); false on timeout.</summary>
    public static bool WaitWritable(Socket socket, TimeSpan timeout) => Descriptors.WaitReady(socket.SafeHandle, writable: true, timeout);
}
