using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// Signals a process by pid. Only safe for a child the caller has not reaped yet: until then the
/// kernel cannot give its pid to another process.
/// </summary>
internal static class ProcessSignals
{
    /// <summary>
    /// Sends SIGKILL to <paramref name="pid"/>. False when it could not be sent (no such process any
    /// more, or not ours to signal): the caller is about to see the exit or has seen it.
    /// </summary>
    internal static bool Kill(int pid) => ProcessCalls.TrySignal(pid, Signals.Kill);
}
