using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    internal const int PRIO_PROCESS = 0;

    /// <summary>setpriority(2). On Linux PRIO_PROCESS names one thread (a tid), not a whole process.</summary>
    [LibraryImport(Name, EntryPoint = "setpriority", SetLastError = true)]
    internal static partial int setpriority(int which, uint who, int prio);
}
