namespace FdHandoff.Supervisor.Workers;

/// <summary>What a <see cref="SlotTable"/> holds at one moment: part of the supervisor's saved state.</summary>
/// <param name="Owners">Each slot's owner while they differ from the serving generation (mid-roll); empty otherwise.</param>
internal sealed record SlotTableSnapshot(int ServingGeneration, int LastGeneration, IReadOnlyDictionary<int, int> Owners, IReadOnlyList<GenerationPlan> Plans);
