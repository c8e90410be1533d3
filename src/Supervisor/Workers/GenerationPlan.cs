using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// What one generation runs: its number and the settings it was built from. A generation keeps its plan for
/// life: its crashed workers restart from it and its drain uses its own deadline, whatever a later upgrade
/// (a reload with a new configuration) brings to the generations after it.
/// </summary>
internal sealed record GenerationPlan(int Generation, SupervisorSettings Settings);
