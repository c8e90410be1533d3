namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// The connection router's state as data: per generation what its hand-overs came to, per worker pid the
/// connections it received, and each connection in transit (its descriptor travels beside, named by its id).
/// </summary>
internal sealed record HandOverRecord(
    IReadOnlyDictionary<int, TallyRecord> ByGeneration,
    IReadOnlyDictionary<int, int> ReceivedBy,
    IReadOnlyList<TransitRecord> InTransit,
    long LastTransitId);

