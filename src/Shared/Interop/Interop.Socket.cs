using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>socket(2). .NET cannot create SCTP sockets itself, hence this call.</summary>
    [LibraryImport(Name, EntryPoint = "socket", SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);
}
