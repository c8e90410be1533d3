namespace FdHandoff.Protocol;

/// <summary>
/// The supervisor itself: its version, since when it runs (its first image, across re-execs and adoptions), how often
/// it re-executed itself (and failed to), how often it adopted the workers of a supervisor that died.
/// </summary>
internal sealed record SupervisorStatus(string Version, DateTimeOffset Since, int Reexecs, int FailedReexecs, int Adoptions);
