using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>recvmsg(2).</summary>
    [LibraryImport(Name, EntryPoint = "recvmsg", SetLastError = true)]
    internal static unsafe partial nint recvmsg(int fd, msghdr* msg, int flags);
}
