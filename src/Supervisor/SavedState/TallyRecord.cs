namespace FdHandoff.Supervisor.SavedState;

/// <summary>What one generation's hand-overs came to (<c>LiveConnections.HandOverTally</c>).</summary>
internal sealed record TallyRecord(int Moved, int Refused, int Closed, string LastReason);

