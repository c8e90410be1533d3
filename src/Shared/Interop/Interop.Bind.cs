using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>bind(2) with a serialized sockaddr (the native layout <see cref="System.Net.SocketAddress"/> holds on Linux).</summary>
    [LibraryImport(Name, EntryPoint = "bind", SetLastError = true)]
    internal static unsafe partial int bind(int fd, byte* addr, uint addrlen);
}
