using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>pidfd_open(2) and waitid(2) with P_PIDFD under .NET names: watching a process by a descriptor, not a pid.</summary>
internal static unsafe class ProcessDescriptors
{
    /// <summary>A pidfd for <paramref name="pid"/> (CLOEXEC, owned by the caller) and 0, or null and the errno (ESRCH: no such process).</summary>
    internal static int TryOpen(int pid, out SafeFd? pidfd)
    {
        int fd = pidfd_open(pid, 0);
        pidfd = fd < 0 ? null : new SafeFd(fd); // pidfd_open sets O_CLOEXEC itself
        return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    /// <summary>Blocks until the process exits, or <paramref name="timeout"/> passes: false then (poll: a pidfd is readable once it has exited).</summary>
    internal static bool WaitExited(SafeFd pidfd, TimeSpan timeout) => Descriptors.WaitReady(pidfd, writable: false, timeout);

    /// <summary>Sends <paramref name="signal"/> to the process (pidfd_send_signal); false when it has exited.</summary>
    internal static bool TrySignal(SafeFd pidfd, int signal)
    {
        using var lease = new DescriptorLease(pidfd);
        return pidfd_send_signal(lease.Fd, signal, null, 0) == 0;
    }

    /// <summary>
    /// Reaps the exited child: its exit code as .NET's Process gives it (the code, or 128 + the signal that killed
    /// it) and 0; or the errno: ECHILD when it is not our child (then nobody here can know its code).
    /// </summary>
    internal static int TryReap(SafeFd pidfd, out int exitCode)
    {
        using var lease = new DescriptorLease(pidfd);
        siginfo_t info = default;
        exitCode = -1;
        while (waitid(P_PIDFD, lease.Fd, &info, WEXITED) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR) return errno;
        }
        exitCode = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
        return 0;
    }
}
