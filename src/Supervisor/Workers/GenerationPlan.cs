using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// What one generation runs: its number, the settings it was built from and the listeners it is handed. A
/// generation keeps its plan for life: its crashed workers restart from it and get the same listeners, and
/// its drain uses its own deadline, whatever a later upgrade (a reload with a new configuration) brings to
/// the generations after it. The listeners stay owned by the <see cref="ListenerSet"/>; a listener a later
/// reload dropped is closed only once no worker of a plan holding it is left.
/// </summary>
internal sealed record GenerationPlan(int Generation, SupervisorSettings Settings, IReadOnlyList<BoundListener> Listeners);
