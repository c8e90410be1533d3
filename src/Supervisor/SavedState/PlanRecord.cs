namespace FdHandoff.Supervisor.SavedState;

/// <summary>A generation's plan as data: its settings as configuration pairs (<c>SupervisorSettings.ToPairs</c>) and the names of the listeners it was handed, in order.</summary>
internal sealed record PlanRecord(int Generation, IReadOnlyList<KeyValuePair<string, string>> Settings, IReadOnlyList<string> Listeners);
