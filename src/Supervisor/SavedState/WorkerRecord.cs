namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// One worker as data: who it is (pid and the kernel's start time of that pid, generation, slot, the token it proves
/// itself with), where it is in its life and what it said. <paramref name="Program"/> is set for a systemd-protocol
/// worker.
/// </summary>
/// <param name="StartTicks">The process's start time in clock ticks since boot (/proc/PID/stat): a pid the kernel has
/// given to another process since has another one.</param>
/// <param name="DrainDeadline">When a draining worker is killed if it has not exited.</param>
/// <param name="Lowered">It still runs at Workers:StartNice, to be raised when ready.</param>
internal sealed record WorkerRecord(
    int Pid,
    ulong StartTicks,
    int Generation,
    int Slot,
    string Token,
    int Restarts,
    DateTimeOffset StartedAt,
    string State,
    bool Drained,
    DateTimeOffset? DrainDeadline,
    bool TakesConnections,
    IReadOnlyList<string>? Serving,
    int Connections,
    bool Lowered,
    ProgramRecord? Program);
