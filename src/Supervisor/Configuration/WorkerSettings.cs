namespace FdHandoff.Supervisor.Configuration;

/// <summary>The <c>Workers</c> section: what to run for each generation.</summary>
internal sealed class WorkerSettings
{
    /// <summary>
    /// The keys of this section, with what each holds: a setting added here must be added there too, or the
    /// supervisor refuses it as an unknown key (<see cref="ConfigurationSchema"/>).
    /// </summary>
    public static readonly IReadOnlyList<ConfigurationKey> Keys =
    [
        new(nameof(Command), ValueKind.Text, "\"/opt/app/current/worker\""),
        new(nameof(Args), ValueKind.List, "\"--flag\", \"value\""),
        new(nameof(Environment), ValueKind.Map, "value"),
        new(nameof(Count), ValueKind.WholeNumber, "2"),
        new(nameof(ReadyTimeout), ValueKind.Duration, "00:00:30"),
        new(nameof(DrainTimeout), ValueKind.Duration, "00:00:10"),
        new(nameof(StopCloseIdleAfter), ValueKind.Duration, "00:00:01"),
        new(nameof(RestartBackoff), ValueKind.Duration, "00:00:00.100"),
        new(nameof(MaxRestartBackoff), ValueKind.Duration, "00:00:30"),
    ];

    /// <summary>The worker executable.</summary>
    /// <remarks>Defaults to <c>fdhandoff-worker</c>: next to the supervisor, in <c>../worker/</c> beside it, or on PATH.</remarks>
    public string Command { get; set; } = "fdhandoff-worker";

    /// <summary>Arguments passed to every worker.</summary>
    public List<string> Args { get; set; } = [];

    /// <summary>Extra environment for every worker.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Worker processes per generation.</summary>
    /// <remarks>Defaults to 2.</remarks>
    public int Count { get; set; } = 2;

    /// <summary>How long a new generation has to report ready before the upgrade is rolled back.</summary>
    /// <remarks>Defaults to 30 s.</remarks>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a draining worker has before it is killed.</summary>
    /// <remarks>Defaults to 10 s.</remarks>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>When the supervisor stops, how long workers keep idle keep-alive connections before closing them.</summary>
    /// <remarks>Defaults to 1 s: a restart waits for the drain, and nothing accepts meanwhile.</remarks>
    public TimeSpan StopCloseIdleAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay before restarting a crashed worker; doubles per crash in a row.</summary>
    /// <remarks>Defaults to 100 ms.</remarks>
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between restarts of a crashing worker.</summary>
    /// <remarks>Defaults to 30 s.</remarks>
    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromSeconds(30);
}
