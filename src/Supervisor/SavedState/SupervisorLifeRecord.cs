namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// The supervisor's own life across images: when the first of them started, how often it re-executed itself (and
/// failed to), how often a new supervisor adopted the workers of one that died.
/// </summary>
internal sealed record SupervisorLifeRecord(DateTimeOffset StartedAt, int Reexecs, int FailedReexecs, int Adoptions);
