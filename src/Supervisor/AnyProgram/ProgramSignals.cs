using FdHandoff.Supervisor.Workers;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// Signals to a systemd-protocol worker's process group (numbered as its pid: the launcher starts a session
/// before anything else): the drain signal, and SIGKILL for the whole group at the deadline or once the main
/// process is gone, so that no child it forked keeps the listening sockets.
/// </summary>
internal static class ProgramSignals
{
    /// <summary>Sends the configured drain signal (already checked at start) to the group; false when no process is left.</summary>
    public static bool Drain(WorkerProcess worker, string drainSignal) =>
        ProcessGroups.Signal(worker.Pid, SignalName.Parse(drainSignal) ?? SignalName.Term);

    /// <summary>SIGKILL to every process left in the worker's group; false when none was.</summary>
    public static bool KillGroup(WorkerProcess worker) => ProcessGroups.Signal(worker.Pid, SignalName.Kill);
}
