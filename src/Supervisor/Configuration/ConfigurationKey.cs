namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// One key the supervisor reads. The tables of them (<see cref="SupervisorSettings.Keys"/>,
/// <see cref="WorkerSettings.Keys"/>) are the one place that says which keys exist: a key not in them is an
/// error, not silently ignored. No reflection: the supervisor is to be NativeAOT-compiled.
/// </summary>
/// <param name="Example">A value to suggest when the one given does not fit.</param>
internal sealed record ConfigurationKey(string Name, ValueKind Kind, string Example = "", IReadOnlyList<ConfigurationKey>? Children = null)
{
    public static ConfigurationKey Section(string name, IReadOnlyList<ConfigurationKey> children) => new(name, ValueKind.Section, "", children);
}
