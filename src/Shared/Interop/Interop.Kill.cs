using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>kill(2).</summary>
    [LibraryImport(Name, EntryPoint = "kill", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    /// <summary>geteuid(2).</summary>
    [LibraryImport(Name, EntryPoint = "geteuid")]
    internal static partial uint geteuid();
}
