using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct pollfd
    {
        internal int fd;
        internal short events;
        internal short revents;
    }

    /// <summary>poll(2).</summary>
    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    internal static unsafe partial int poll(pollfd* fds, ulong nfds, int timeout);
}
