namespace FdHandoff.Supervisor.SavedState;

/// <summary>A connection held in transit: who handed it over, with which request, and where it was sent (0: nowhere yet).</summary>
internal sealed record TransitRecord(long Id, int FromPid, int ToPid, long RequestId, string Listener, byte[] State, IReadOnlyList<int> Tried);
