using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>pidfd_open(2), Linux 5.3, glibc 2.36: a descriptor that refers to one process, whatever its pid becomes.</summary>
    [LibraryImport(Name, EntryPoint = "pidfd_open", SetLastError = true)]
    internal static partial int pidfd_open(int pid, uint flags);

    /// <summary>pidfd_send_signal(2), Linux 5.1: a signal to the process the pidfd refers to, never to a pid reused since.</summary>
    [LibraryImport(Name, EntryPoint = "pidfd_send_signal", SetLastError = true)]
    internal static unsafe partial int pidfd_send_signal(int pidfd, int sig, void* info, uint flags);

    /// <summary>
    /// siginfo_t as waitid(2) fills it for a child's exit (x86_64, 128 bytes): si_code says exited (CLD_EXITED, si_status
    /// the exit code) or killed/dumped (si_status the signal).
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct siginfo_t
    {
        [FieldOffset(0)] internal int si_signo;
        [FieldOffset(8)] internal int si_code;
        [FieldOffset(16)] internal int si_pid;
        [FieldOffset(24)] internal int si_status;
    }

    /// <summary>waitid(2): with P_PIDFD, waits for (and reaps) the child a pidfd refers to.</summary>
    [LibraryImport(Name, EntryPoint = "waitid", SetLastError = true)]
    internal static unsafe partial int waitid(int idtype, int id, siginfo_t* infop, int options);
}
