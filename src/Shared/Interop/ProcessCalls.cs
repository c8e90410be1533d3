using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>kill(2), setsid(2), getsid(2) and setpriority(2) under .NET names.</summary>
internal static class ProcessCalls
{
    /// <summary>
    /// Sends <paramref name="signal"/> (a <see cref="Signals"/> number) to process <paramref name="pid"/>, or to every
    /// process of group -<paramref name="pid"/>. False when it could not be sent (no such process, not ours).
    /// </summary>
    internal static bool TrySignal(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>Makes the caller the leader of a new session and process group (setsid); 0, or the errno (EPERM: a group leader already).</summary>
    internal static int TryStartSession() => setsid() < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>The session <paramref name="pid"/> belongs to (getsid); null when it is gone.</summary>
    internal static int? SessionOf(int pid)
    {
        int sid = getsid(pid);
        return sid < 0 ? null : sid;
    }

    /// <summary>
    /// Sets the nice value of one thread (setpriority with PRIO_PROCESS, which on Linux names a thread id, not a
    /// process). False when it could not be set (the thread is gone, or no right to raise its priority).
    /// </summary>
    internal static bool TrySetThreadNice(int tid, int nice) => setpriority(PRIO_PROCESS, (uint)tid, nice) == 0;
}
