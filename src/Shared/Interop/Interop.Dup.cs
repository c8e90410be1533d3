using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>dup2(2): the new descriptor has FD_CLOEXEC clear, which is what exec must keep.</summary>
    [LibraryImport(Name, EntryPoint = "dup2", SetLastError = true)]
    internal static partial int dup2(int oldfd, int newfd);
}
