namespace FdHandoff.Supervisor.SavedState;

/// <summary>A systemd-protocol worker's program as data: what the launcher execs and what the program said on the notify socket.</summary>
internal sealed record ProgramRecord(
    string Path,
    bool ExecAnnounced,
    bool Running,
    string? Status,
    int MainPid,
    bool Stopping,
    DateTimeOffset LastPing,
    DateTimeOffset ExtendUntil);
