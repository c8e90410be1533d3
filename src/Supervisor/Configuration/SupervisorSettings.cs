using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>The checked configuration: every listener parsed, the worker command found.</summary>
public sealed record SupervisorSettings(
    IReadOnlyList<ListenerSpec> Listeners,
    WorkerSettings Workers,
    string WorkerCommandPath,
    string ControlSocketPath);
