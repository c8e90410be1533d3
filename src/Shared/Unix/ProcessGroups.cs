using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// Sessions and process groups: a systemd-protocol worker runs in a session of its own (numbered as its
/// pid), so the supervisor can signal the worker and every child it forked at once, and can tell
/// whether a process that sends a notification belongs to that worker.
/// </summary>
internal static class ProcessGroups
{
    /// <summary>
    /// Makes the calling process the leader of a new session and process group. Called by the launcher
    /// before anything else, so that the group exists, under the pid the supervisor knows, from the start.
    /// </summary>
    /// <exception cref="NativeCallException">Already a group leader (EPERM).</exception>
    internal static void StartSession()
    {
        int errno = ProcessCalls.TryStartSession();
        if (errno != 0) throw new NativeCallException("start a session of its own (setsid)", errno);
    }

    /// <summary>The session <paramref name="pid"/> belongs to; null when it is gone.</summary>
    internal static int? SessionOf(int pid) => ProcessCalls.SessionOf(pid);

    /// <summary>
    /// Sends <paramref name="signal"/> to every process of group <paramref name="group"/>. False when the
    /// group has no process left (ESRCH) or is not ours to signal. A group number is not handed to a new
    /// process while any member lives, so a group that still has members is still the worker's.
    /// </summary>
    internal static bool Signal(int group, int signal) => group > 1 && ProcessCalls.TrySignal(-group, signal);
}
