using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>execve(2): NUL-terminated path, NULL-terminated argv and envp arrays. Returns only on failure.</summary>
    [LibraryImport(Name, EntryPoint = "execve", SetLastError = true)]
    internal static unsafe partial int execve(byte* path, byte** argv, byte** envp);
}
