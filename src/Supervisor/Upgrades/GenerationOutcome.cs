namespace FdHandoff.Supervisor.Upgrades;

/// <summary>How starting a generation ended: all ready, or why not (the generation is then stopped).</summary>
internal sealed record GenerationOutcome(int Generation, bool Ok, string Reason, TimeSpan Elapsed);
