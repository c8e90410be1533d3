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
        new(nameof(Strategy), ValueKind.Text, "\"rolling\""),
        new(nameof(Protocol), ValueKind.Text, "\"systemd\""),
        new(nameof(Listeners), ValueKind.List, "\"http\", \"http6\""),
        new(nameof(NotifyAccess), ValueKind.Text, "\"all\""),
        new(nameof(Ready), ValueKind.Text, "\"started\""),
        new(nameof(ReadyDelay), ValueKind.Duration, "00:00:01"),
        new(nameof(WatchdogSec), ValueKind.Number, "10"),
        new(nameof(DrainSignal), ValueKind.Text, "\"SIGTERM\""),
        new(nameof(StartNice), ValueKind.WholeNumber, "5"),
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

    /// <summary>
    /// How an upgrade replaces the workers: <c>all-at-once</c> (a whole new generation beside the old one) or
    /// <c>rolling</c> (slot by slot, at most Count+1 workers at any moment); see <see cref="UpgradeStrategy"/>.
    /// </summary>
    /// <remarks>Defaults to <c>all-at-once</c>.</remarks>
    public string Strategy { get; set; } = UpgradeStrategy.AllAtOnce;

    /// <summary>How long a new generation has to report ready before the upgrade is rolled back (rolling: each slot's new worker).</summary>
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

    /// <summary>
    /// How workers get their listeners: <c>fdhandoff</c> (the control protocol, <c>HandoffClient</c>) or
    /// <c>systemd</c> (any program: descriptors from 3 with LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES, and
    /// NOTIFY_SOCKET for READY=1, as systemd's socket activation gives them; see docs/any-program.md).
    /// </summary>
    /// <remarks>Defaults to <c>fdhandoff</c>.</remarks>
    public WorkerProtocol Protocol { get; set; } = WorkerProtocol.FdHandoff;

    /// <summary>
    /// The listeners each worker gets, by name, in this order (fd 3, 4, ... in systemd mode).
    /// </summary>
    /// <remarks>Defaults to every listener, in configuration order.</remarks>
    public List<string> Listeners { get; set; } = [];

    /// <summary>Systemd mode: whose notifications count, like systemd's NotifyAccess=: <c>main</c> (the
    /// worker's own pid) or <c>all</c> (any process of the worker's session, e.g. children it forked).</summary>
    /// <remarks>Defaults to <c>main</c>.</remarks>
    public NotifyAccess NotifyAccess { get; set; } = NotifyAccess.Main;

    /// <summary>Systemd mode: when a worker is ready: <c>notify</c> (it sends READY=1) or <c>started</c>
    /// (once the program runs, plus <see cref="ReadyDelay"/>), for programs that send nothing.</summary>
    /// <remarks>Defaults to <c>notify</c>.</remarks>
    public ReadyMode Ready { get; set; } = ReadyMode.Notify;

    /// <summary>Systemd mode with <c>Ready = started</c>: how long after the exec the worker counts as ready.</summary>
    /// <remarks>Defaults to 0.</remarks>
    public TimeSpan ReadyDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Systemd mode: WATCHDOG_USEC for the worker, in seconds; a ready worker that sends no WATCHDOG=1
    /// for this long is killed (and restarted, as a crash).</summary>
    /// <remarks>Defaults to 0: no watchdog.</remarks>
    public double WatchdogSec { get; set; }

    /// <summary>Systemd mode: the signal that asks a worker to stop gracefully, sent to its whole process group;
    /// the group is killed (SIGKILL) at the drain deadline.</summary>
    /// <remarks>Defaults to <c>SIGTERM</c>.</remarks>
    public string DrainSignal { get; set; } = "SIGTERM";

    /// <summary>
    /// How much lower (in nice steps, 0-19, added to the supervisor's own nice value, at most 19) a new worker starts
    /// while another generation serves its slot; it is raised back to the supervisor's own value when it reports
    /// ready. 0: the same priority as the serving one. Why: <see cref="Workers.StartPriority"/>.
    /// </summary>
    /// <remarks>Defaults to 5 (measured against 0 and 10: docs/benchmarks.md).</remarks>
    public int StartNice { get; set; } = 5;
}
