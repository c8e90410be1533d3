using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// The <c>Workers</c> section: what to run for each generation. A key of it is added here, in two places of
/// this file: its definition in <see cref="Keys"/> (the loader, the schema check, <c>check-config</c>,
/// <c>--help</c>, the README's key table and the write-out follow from it) and the typed property below,
/// whose initializer is the one default.
/// </summary>
internal sealed record WorkerSettings
{
    // WorkerWatchdog checks every quarter of it with a PeriodicTimer, whose period must be 1 ms to 2^32-2 ms:
    // 4 ms is the least that works (less threw once the supervisor ran); 4,000,000 s (46 days) is far inside.
    private const double MinWatchdogSec = 0.004, MaxWatchdogSec = 4_000_000;

    /// <summary>The keys of this section, in the order <c>--help</c> lists them.</summary>
    public static readonly IReadOnlyList<SettingKey> Keys =
    [
        SettingKey.Value("Workers:Command", "\"/opt/app/current/worker\"", "the worker executable", s => s.WorkerCommandPath,
            // Written out as the real path resolved now: a generation keeps running (and restarting) what its plan resolved.
            (raw, s) => s with { Workers = s.Workers with { Command = raw ?? s.Workers.Command }, WorkerCommandPath = WorkerCommand.Resolve(raw ?? s.Workers.Command) },
            path => path) with { DefaultText = "fdhandoff-worker: beside the supervisor, in ../worker/, or on PATH" },
        SettingKey.List("Workers:Args", "\"--flag\", \"value\"", "arguments for every worker (a list)",
            s => s.Workers.Args, (s, v) => s with { Workers = s.Workers with { Args = v } }),
        SettingKey.Map("Workers:Environment", "value", "an environment variable for every worker",
            s => s.Workers.Environment, (s, v) => s with { Workers = s.Workers with { Environment = v } }),
        SettingKey.Whole("Workers:Count", "2", "workers per generation",
            s => s.Workers.Count, (s, v) => s with { Workers = s.Workers with { Count = v } },
            (v, _) => v < 1 ? $"Workers:Count is {v}: at least 1 worker is needed" : null),
        SettingKey.Value("Workers:Strategy", "\"rolling\"", string.Join(", or ", UpgradeStrategies.Descriptions.Select(d => $"{d.Name} ({d.Help})")),
            s => s.Workers.Strategy,
            (raw, s) => raw is null ? s : s with { Workers = s.Workers with { Strategy = UpgradeStrategies.Normalize(raw)
                ?? throw SettingKey.Fail($"Workers:Strategy is '{raw}': write {string.Join(" or ", UpgradeStrategies.Descriptions.Select(d => $"\"{d.Name}\" ({d.Help})"))}; the first is the default") } },
            v => v),
        SettingKey.Duration("Workers:ReadyTimeout", "00:00:30", "how long a new generation has to report ready (rolling: each new worker)",
            s => s.Workers.ReadyTimeout, (s, v) => s with { Workers = s.Workers with { ReadyTimeout = v } }, Positive("Workers:ReadyTimeout", "00:00:30")),
        SettingKey.Duration("Workers:DrainTimeout", "00:00:10", "how long a draining worker has to finish before it is killed",
            s => s.Workers.DrainTimeout, (s, v) => s with { Workers = s.Workers with { DrainTimeout = v } }, Positive("Workers:DrainTimeout", "00:00:10")),
        SettingKey.Duration("Workers:OrphanTimeout", "00:01:00", "how long a worker whose supervisor vanished keeps serving, waiting for a supervisor to adopt it, before it drains",
            s => s.Workers.OrphanTimeout, (s, v) => s with { Workers = s.Workers with { OrphanTimeout = v } }, Positive("Workers:OrphanTimeout", "00:01:00")),
        SettingKey.Duration("Workers:StopCloseIdleAfter", "00:00:01", "when the supervisor stops: how long workers keep idle keep-alive connections",
            s => s.Workers.StopCloseIdleAfter, (s, v) => s with { Workers = s.Workers with { StopCloseIdleAfter = v } }),
        SettingKey.Duration("Workers:RestartBackoff", "00:00:00.100", "a crashed worker's first restart delay, doubling per crash in a row",
            s => s.Workers.RestartBackoff, (s, v) => s with { Workers = s.Workers with { RestartBackoff = v } }) with { StartOnly = true },
        SettingKey.Duration("Workers:MaxRestartBackoff", "00:00:30", "a crashing worker's longest restart delay",
            s => s.Workers.MaxRestartBackoff, (s, v) => s with { Workers = s.Workers with { MaxRestartBackoff = v } }) with { StartOnly = true },
        SettingKey.Whole("Workers:StartNice", "5", "how many nice steps lower a new generation runs until it is ready (0: off)",
            s => s.Workers.StartNice, (s, v) => s with { Workers = s.Workers with { StartNice = v } },
            (v, _) => v is < 0 or > 19 ? $"Workers:StartNice is {v}: use a nice value from 0 (off) to 19 (lowest priority)" : null),
        SettingKey.Choice<WorkerProtocol>("Workers:Protocol", "fdhandoff, or systemd: any program, given LISTEN_FDS and NOTIFY_SOCKET (docs/any-program.md)",
            s => s.Workers.Protocol, (s, v) => s with { Workers = s.Workers with { Protocol = v } }) with { StartOnly = true },
        SettingKey.List("Workers:Listeners", "\"http\", \"http6\"", "which listeners a worker gets, in this order (fd 3, 4 ... for systemd workers)",
            s => s.Workers.Listeners, (s, v) => s with { Workers = s.Workers with { Listeners = v } },
            (names, s) => names.FirstOrDefault(n => !s.Listeners.Any(l => l.Name == n)) is { } name
                ? $"Workers:Listeners names '{name}', which is not a configured listener ({string.Join(", ", s.Listeners.Select(l => l.Name))}): fix the name or add it under Listeners" : null,
            (names, _) => names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice
                ? $"Workers:Listeners names '{twice.Key}' twice: name each listener once" : null)
            with { DefaultText = "every listener, sorted by name" },
        SettingKey.Choice<ReadyMode>("Workers:Ready", "systemd workers: notify (ready on READY=1), or started (once it runs, plus ReadyDelay)",
            s => s.Workers.Ready, (s, v) => s with { Workers = s.Workers with { Ready = v } }),
        SettingKey.Duration("Workers:ReadyDelay", "00:00:01", "systemd workers, Ready started: how long after the exec a worker counts as ready",
            s => s.Workers.ReadyDelay, (s, v) => s with { Workers = s.Workers with { ReadyDelay = v } },
            (v, _) => v < TimeSpan.Zero ? "Workers:ReadyDelay must not be negative (e.g. 00:00:01)" : null),
        SettingKey.Choice<NotifyAccess>("Workers:NotifyAccess", "systemd workers: whose notifications count: main (the worker's pid), or all (its session)",
            s => s.Workers.NotifyAccess, (s, v) => s with { Workers = s.Workers with { NotifyAccess = v } }) with { StartOnly = true },
        SettingKey.Number("Workers:WatchdogSec", "10", "systemd workers: WATCHDOG_USEC in seconds, 0.004 to 4000000; silent that long: killed (0: off)",
            s => s.Workers.WatchdogSec, (s, v) => s with { Workers = s.Workers with { WatchdogSec = v } },
            (v, _) => v == 0 || v is >= MinWatchdogSec and <= MaxWatchdogSec ? null
                : $"Workers:WatchdogSec is {SettingValue.Number(v)}: use 0 (no watchdog) or a number of seconds from {SettingValue.Number(MinWatchdogSec)} to {SettingValue.Number(MaxWatchdogSec)}") with { StartOnly = true },
        SettingKey.Text("Workers:DrainSignal", "\"SIGTERM\"", "systemd workers: the graceful-stop signal, sent to the worker's process group",
            s => s.Workers.DrainSignal, (s, v) => s with { Workers = s.Workers with { DrainSignal = v } },
            (v, _) => SignalName.Parse(v) is not { } signal ? $"Workers:DrainSignal '{v}' is not a signal: use one of {SignalName.Names} (or a number)"
                : SignalName.WhyNotGraceful(signal) is { } why ? $"Workers:DrainSignal is '{v}': a drain asks the worker to finish and exit, and {why}; use SIGTERM (the default) or the program's graceful-stop signal"
                : null),
    ];

    private static SettingRule<TimeSpan> Positive(string path, string example) =>
        (v, _) => v <= TimeSpan.Zero ? $"{path} must be positive (e.g. {example})" : null;

    /// <summary>The worker executable, as configured; the supervisor runs <see cref="SupervisorSettings.WorkerCommandPath"/>, its real path.</summary>
    public string Command { get; set; } = "fdhandoff-worker";

    /// <summary>Arguments passed to every worker.</summary>
    public List<string> Args { get; set; } = [];

    /// <summary>Extra environment for every worker.</summary>
    public Dictionary<string, string> Environment { get; set; } = [];

    /// <summary>Worker processes per generation.</summary>
    public int Count { get; set; } = 2;

    /// <summary>How an upgrade replaces the workers: a name from <see cref="UpgradeStrategies"/>, as normalized.</summary>
    public string Strategy { get; set; } = UpgradeStrategies.Default;

    /// <summary>How long a new generation has to report ready before the upgrade is rolled back (rolling: each slot's new worker).</summary>
    public TimeSpan ReadyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a draining worker has before it is killed.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a worker whose supervisor vanished (killed, crashed) keeps serving and keeps its connections while it
    /// waits for a supervisor to adopt it (docs/resilience.md); then it drains and exits, so nothing lives on unsupervised.
    /// </summary>
    public TimeSpan OrphanTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When the supervisor stops, how long workers keep idle keep-alive connections before closing them.</summary>
    /// <remarks>Short by default: a restart waits for the drain, and nothing accepts meanwhile.</remarks>
    public TimeSpan StopCloseIdleAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First delay before restarting a crashed worker; doubles per crash in a row.</summary>
    public TimeSpan RestartBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between restarts of a crashing worker.</summary>
    public TimeSpan MaxRestartBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How workers get their listeners: <c>fdhandoff</c> (the control protocol, <c>HandoffClient</c>) or
    /// <c>systemd</c> (any program: descriptors from 3 with LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES, and
    /// NOTIFY_SOCKET for READY=1, as systemd's socket activation gives them; see docs/any-program.md).
    /// </summary>
    public WorkerProtocol Protocol { get; set; } = WorkerProtocol.FdHandoff;

    /// <summary>
    /// The listeners each worker gets, by name, in this order (fd 3, 4, ... in systemd mode). Empty: every
    /// listener, in the order of <see cref="SupervisorSettings.Listeners"/> (sorted by name).
    /// </summary>
    public List<string> Listeners { get; set; } = [];

    /// <summary>Systemd mode: whose notifications count, like systemd's NotifyAccess=: <c>main</c> (the
    /// worker's own pid) or <c>all</c> (any process of the worker's session, e.g. children it forked).</summary>
    public NotifyAccess NotifyAccess { get; set; } = NotifyAccess.Main;

    /// <summary>Systemd mode: when a worker is ready: <c>notify</c> (it sends READY=1) or <c>started</c>
    /// (once the program runs, plus <see cref="ReadyDelay"/>), for programs that send nothing.</summary>
    public ReadyMode Ready { get; set; } = ReadyMode.Notify;

    /// <summary>Systemd mode with <c>Ready = started</c>: how long after the exec the worker counts as ready.</summary>
    public TimeSpan ReadyDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Systemd mode: WATCHDOG_USEC for the worker, in seconds; a ready worker that sends no WATCHDOG=1
    /// for this long is killed (and restarted, as a crash). 0: no watchdog.</summary>
    public double WatchdogSec { get; set; }

    /// <summary>Systemd mode: the signal that asks a worker to stop gracefully, sent to its whole process group;
    /// the group is killed (SIGKILL) at the drain deadline.</summary>
    public string DrainSignal { get; set; } = "SIGTERM";

    /// <summary>
    /// How much lower (in nice steps, 0-19, added to the supervisor's own nice value, at most 19) a new worker starts
    /// while another generation serves its slot; it is raised back to the supervisor's own value when it reports
    /// ready. 0: the same priority as the serving one. Why: <see cref="Workers.StartPriority"/>.
    /// </summary>
    /// <remarks>The default was measured against 0 and 10: docs/benchmarks.md.</remarks>
    public int StartNice { get; set; } = 5;
}
