namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// One worker as data: who it is (pid, generation, slot, the token it proves itself with), where it is in its life
/// and what it said. <paramref name="Program"/> is set for a systemd-protocol worker: the program it runs.
/// </summary>
internal sealed record WorkerRecord(
    int Pid,
    int Generation,
    int Slot,
    string Token,
    int Restarts,
    DateTimeOffset StartedAt,
    string State,
    bool Drained,
    bool TakesConnections,
    IReadOnlyList<string>? Serving,
    int Connections,
    string? Program);
