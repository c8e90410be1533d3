using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>socketpair(2): two connected sockets with no address. .NET has no API for it.</summary>
    [LibraryImport(Name, EntryPoint = "socketpair", SetLastError = true)]
    internal static unsafe partial int socketpair(int domain, int type, int protocol, int* fds);
}
