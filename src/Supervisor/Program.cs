using FdHandoff.Logging;
using FdHandoff.Supervisor;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Cli;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Metrics;
using FdHandoff.Supervisor.Resilience;
using FdHandoff.Supervisor.SavedState;
using FdHandoff.Supervisor.Systemd;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

// fdhandoff: owns the listening sockets, hands them to workers, replaces workers without downtime.

// A systemd-protocol worker starts as this executable in launch mode: it execs the program, never returns here otherwise.
if (Launcher.IsLaunch(args)) return Launcher.Run(args);

// The command line first (Cli/Verbs): help, --version, a usage error and the client verbs (upgrade, status)
// end here, before anything is bound; `run` and the bare form go on to the supervisor below.
var verb = Verbs.Dispatch(args, Console.Out, Console.Error);
if (verb.ExitCode is { } exit) return exit;
args = verb.SupervisorArgs;

try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });

    // Configuration: defaults beside the binary (or --config FILE), FDHANDOFF_* variables, command line;
    // every key checked. A reload reads the same file again (Upgrades/UpgradeCoordinator).
    var source = ConfigurationSource.FromArgs(args);
    var settings = source.Read();
    builder.Services.AddSingleton(source);
    builder.Services.AddSingleton(settings);

    // Logging (Serilog) and systemd integration (Type=notify, STOPPING on SIGTERM) when run by systemd.
    builder.Services.AddSerilog(FdHandoffLogging.CreateLogger("fdhandoff"), dispose: true);
    builder.Services.AddSystemd();
    builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Workers.DrainTimeout + TimeSpan.FromSeconds(5));

    // Hosted services, in start order (stopped in reverse). The life of a generation, step by step:
    //   spawn      Workers/WorkerSpawner    (started by Workers/WorkerPool)
    //   hello      Control/ControlServer    (first message of a control connection)
    //   hand-off   Control/ListenerHandoff  (checks the Hello, sends the listeners with SCM_RIGHTS)
    //   ready      Control/WorkerMessageLoop → Upgrades/ReadinessGate
    //   serving    Upgrades/UpgradeCoordinator → the strategy Workers:Strategy names (Upgrades/UpgradeStrategies)
    //   drain      Workers/WorkerDrain      (Drain, kill at the deadline)
    //   exit       Workers/WorkerPool       (watch the exit, restart a crash);
    //              established connections move on through LiveConnections/ConnectionRouter
    // See docs/architecture.md.

    // 0. Metrics and health (Metrics:Listen, off by default): up before generation 1, so probes see 503 until it serves.
    builder.Services.AddSingleton<SupervisorMetrics>();
    builder.Services.AddHostedService<MetricsService>();

    // 1. Listeners first, closed last: the supervisor holds every listening socket until it exits.
    builder.Services.AddSingleton<ListenerSet>();
    builder.Services.AddHostedService<ListenerService>();

    // 2. fd store, RELOADING/READY/STATUS and the watchdog; starts pinging before generation 1 is up.
    builder.Services.AddHostedService<SystemdService>();

    // 3. The control socket: workers say hello there; `fdhandoff upgrade` and `status` enter there
    //    (Control/AdminRequestHandler → Upgrades/UpgradeQueue).
    builder.Services.AddSingleton<ControlSocketFile>();
    builder.Services.AddSingleton<ConnectionRouter>();  // established connections in transit (LiveConnections/)
    builder.Services.AddSingleton<WorkerMessageLoop>();
    builder.Services.AddSingleton<ListenerHandoff>();
    builder.Services.AddSingleton<AdminRequestHandler>();
    builder.Services.AddHostedService<ControlServer>();

    // 4. The workers: who is alive (WorkerTable), who owns which slot (SlotTable), each one's state (its
    //    WorkerLifecycle); spawn, watch, restart with backoff (WorkerPool), drain and kill (WorkerDrain).
    builder.Services.AddSingleton<WorkerTable>();
    builder.Services.AddSingleton<SlotTable>();
    builder.Services.AddSingleton<WorkerSpawner>();
    builder.Services.AddSingleton<StartPriority>();  // a new generation warms up at Workers:StartNice
    builder.Services.AddSingleton<WorkerDrain>();
    builder.Services.AddSingleton<WorkerPool>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerPool>());
    builder.Services.AddHostedService<NotifyServer>(); // systemd-protocol workers' NOTIFY_SOCKET (AnyProgram/)

    // 5. Generation 1 at start; later generations through the queue (one upgrade at a time, coalesced),
    //    all at once or, with Workers:Strategy = "rolling", slot by slot (Upgrades/RollingUpgrade).
    builder.Services.AddSingleton<UpgradeHistory>();
    builder.Services.AddSingleton<GenerationRetirement>();
    builder.Services.AddSingleton<GenerationStart>();
    UpgradeStrategies.Register(builder.Services);
    builder.Services.AddSingleton<UpgradeCoordinator>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<UpgradeCoordinator>());
    builder.Services.AddSingleton<UpgradeQueue>();

    // The whole state above, as data a new image of the supervisor reads back (SavedState/).
    builder.Services.AddSingleton<SupervisorLife>();
    builder.Services.AddSingleton<SupervisorState>();

    // 6. SIGHUP (and so `systemctl reload`) enters here, once generation 1 serves.
    builder.Services.AddHostedService<SighupTrigger>();

    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (Exception e) when (FatalError.Describe(e) is { } fatal)
{
    Console.Error.WriteLine($"fdhandoff: {fatal.Message}");
    return fatal.ExitCode;
}
