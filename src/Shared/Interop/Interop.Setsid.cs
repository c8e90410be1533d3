using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>setsid(2): a new session and process group, both numbered as the caller's pid.</summary>
    [LibraryImport(Name, EntryPoint = "setsid", SetLastError = true)]
    internal static partial int setsid();

    /// <summary>getsid(2): the session of <paramref name="pid"/>.</summary>
    [LibraryImport(Name, EntryPoint = "getsid", SetLastError = true)]
    internal static partial int getsid(int pid);
}
