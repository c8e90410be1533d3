using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>The checked configuration: every listener parsed, the worker command found.</summary>
public sealed record SupervisorSettings(
    IReadOnlyList<ListenerSpec> Listeners,
    WorkerSettings Workers,
    string WorkerCommandPath,
    string ControlSocketPath)
{
    /// <summary>
    /// Where the kernel has no SCTP: false (the default) refuses to start; true starts without the SCTP
    /// listeners, with an error line for each. Configuration key <c>SkipUnavailableSctp</c>.
    /// </summary>
    public bool SkipUnavailableSctp { get; init; }
}
