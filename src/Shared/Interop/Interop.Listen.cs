using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>listen(2).</summary>
    [LibraryImport(Name, EntryPoint = "listen", SetLastError = true)]
    internal static partial int listen(int fd, int backlog);
}
