using FdHandoff.Supervisor.SavedState;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// The one owner of the supervisor's life across its images: since when it runs (the first image's start), how
/// often it re-executed itself and failed to, how often it adopted the workers of a supervisor that died. Status and
/// the metrics read it; it travels in the saved state.
/// </summary>
internal sealed class SupervisorLife
{
    private readonly Lock _lock = new();
    private SupervisorLifeRecord _record = new(DateTimeOffset.UtcNow, 0, 0, 0);

    public SupervisorLifeRecord Snapshot()
    {
        lock (_lock) return _record;
    }

    /// <summary>This image continues <paramref name="saved"/>'s life (a re-exec, or an adoption).</summary>
    public void Continue(SupervisorLifeRecord saved)
    {
        lock (_lock) _record = saved;
    }

    public void Reexecuted()
    {
        lock (_lock) _record = _record with { Reexecs = _record.Reexecs + 1 };
    }

    public void ReexecFailed()
    {
        lock (_lock) _record = _record with { FailedReexecs = _record.FailedReexecs + 1 };
    }

    public void Adopted()
    {
        lock (_lock) _record = _record with { Adoptions = _record.Adoptions + 1 };
    }
}
