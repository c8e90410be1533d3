namespace FdHandoff.Protocol;

/// <summary>
/// In a <see cref="StatusReply"/>: what became of the established connections of the last generation that
/// retired (<see cref="Moved"/> to the next one, <see cref="Closed"/> because nobody could take them), and how
/// many are in transit now. <see cref="Reason"/>: why the last one that was not moved was not.
/// </summary>
internal sealed record HandOverStatus(int RetiredGeneration, int Moved, int Closed, int InTransit, string Reason = "");
