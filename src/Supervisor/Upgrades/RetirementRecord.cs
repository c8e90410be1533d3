namespace FdHandoff.Supervisor.Upgrades;

/// <summary>A retired generation and what became of its established connections: moved to its successor, or closed (and why).</summary>
internal sealed record RetirementRecord(int Generation, int Moved, int Closed, string Reason)
{
    public static readonly RetirementRecord None = new(0, 0, 0, "");
}
