using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>The checked configuration: every listener parsed, the worker command found.</summary>
internal sealed record SupervisorSettings(
    IReadOnlyList<ListenerSpec> Listeners,
    WorkerSettings Workers,
    string WorkerCommandPath,
    string ControlSocketPath)
{
    /// <summary>
    /// Every key the supervisor reads, the one place that says so: a key missing here is refused as unknown
    /// (<see cref="ConfigurationSchema"/>). A new setting adds its key here (or to <see cref="WorkerSettings.Keys"/>).
    /// </summary>
    public static readonly IReadOnlyList<ConfigurationKey> Keys =
    [
        new("Listeners", ValueKind.Map, "tcp://127.0.0.1:8080"),
        ConfigurationKey.Section("Workers", WorkerSettings.Keys),
        ConfigurationKey.Section("Control", [new("FirstMessageTimeout", ValueKind.Duration, "00:00:05")]),
        new("ControlSocket", ValueKind.Text, "\"/run/fdhandoff/control.sock\""),
        new("ControlSocketGroup", ValueKind.Text, "\"fdhandoff\""),
        new("SkipUnavailableSctp", ValueKind.Flag, "true"),
        ConfigurationKey.Section("Metrics", [new("Listen", ValueKind.Text, "\"127.0.0.1:9464\"")]),
    ];

    /// <summary>The file this was read from (hash, mtime): <c>fdhandoff status</c> shows it per generation.</summary>
    public ConfigurationVersion Version { get; init; } = ConfigurationVersion.None;

    /// <summary>A control connection that sends nothing this long is dropped (<c>Control:FirstMessageTimeout</c>).</summary>
    /// <remarks>Defaults to 5 s. A .NET client needs its first JSON serialization between connect and send;
    /// on a slow or starved CPU (emulated, overloaded) that alone can take longer.</remarks>
    public TimeSpan FirstMessageTimeout { get; init; } = DefaultFirstMessageTimeout;

    public static readonly TimeSpan DefaultFirstMessageTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The group that may use the control socket besides the owner and root (<c>ControlSocketGroup</c>):
    /// the socket is then 0660 and owned by it, and its members may ask for upgrade and status.
    /// Workers are still checked by pid, generation and token whatever their group.
    /// </summary>
    /// <remarks>Defaults to none: the socket is 0600, for the owner and root only.</remarks>
    public ControlSocketGroup? ControlSocketGroup { get; init; }

    /// <summary>
    /// Where the kernel has no SCTP: false (the default) refuses to start; true starts without the SCTP
    /// listeners, with an error line for each. Configuration key <c>SkipUnavailableSctp</c>.
    /// </summary>
    public bool SkipUnavailableSctp { get; init; }

    /// <summary>Where to serve /metrics, /healthz and /readyz (<c>Metrics:Listen</c>, e.g. 127.0.0.1:9464).</summary>
    /// <remarks>Defaults to none: no metrics endpoint.</remarks>
    public Metrics.MetricsAddress? MetricsListen { get; init; }
}
