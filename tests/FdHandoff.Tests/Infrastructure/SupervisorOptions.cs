namespace FdHandoff.Tests.Infrastructure;

/// <summary>What a test's supervisor runs with; turned into a config file.</summary>
public sealed record SupervisorOptions
{
    public Dictionary<string, string> Listeners { get; init; } = [];
    public int Workers { get; init; } = 2;
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public Dictionary<string, string> WorkerEnvironment { get; init; } = [];
    public string? WorkerCommand { get; init; }
    public List<string> WorkerArgs { get; init; } = [];

    /// <summary>More keys of the <c>Workers</c> section (<c>Protocol</c>, <c>Listeners</c>, <c>Ready</c>...), as written in JSON.</summary>
    public Dictionary<string, object> WorkerSettings { get; init; } = [];

    /// <summary>A verb before the options (<c>run</c>); none by default: the bare form the units use.</summary>
    public string? Verb { get; init; }
    /// <summary><c>Metrics:Listen</c>; none by default (metrics off).</summary>
    public string? MetricsListen { get; init; }

    /// <summary>The supervisor executable to start (a copy the test may replace); the build under test by default.</summary>
    public string? Executable { get; init; }

    /// <summary>A configuration file of the test's own, given as <c>--config</c> instead of the one written from these options.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Default test listeners on fresh ports: http (v4), http6, echo.</summary>
    public static SupervisorOptions WithDefaultListeners(out int httpPort, out int echoPort)
    {
        httpPort = FreePort.Next();
        echoPort = FreePort.Next();
        return new SupervisorOptions
        {
            Listeners = new()
            {
                ["http"] = $"tcp://127.0.0.1:{httpPort}",
                ["http6"] = $"tcp://[::1]:{httpPort}",
                ["echo"] = $"tcp://127.0.0.1:{echoPort}",
            },
        };
    }
}
