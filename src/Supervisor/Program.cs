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
using Microsoft.Extensions.Logging;
using Serilog;

// fdhandoff: owns the listening sockets, hands them to workers, replaces workers without downtime.

// A systemd-protocol worker starts as this executable in launch mode: it execs the program, never returns here otherwise.
if (Launcher.IsLaunch(args)) return Launcher.Run(args);
// A running supervisor about to re-execute tries this executable first: can it take over from that state?
if (ReexecTrial.IsTrial(args)) return ReexecTrial.Check();
// How this image was started, before anything reads and removes what systemd set: what a re-exec starts the next with.
ImageStart.Capture(args);

// The command line first (Cli/Verbs): help, --version, a usage error and the client verbs (upgrade, status)
// end here, before anything is bound; `run` and the bare form go on to the supervisor below.
var verb = Verbs.Dispatch(args, Console.Out, Console.Error);
// A re-exec whose new binary refuses the command line it was started with: the previous executable takes over again.
if (verb.ExitCode is { } exit && RestoredImage.IsPending) Console.Error.WriteLine($"fdhandoff: {RestoredImage.FallBackBeforeStart($"the new binary refused the supervisor's command line (exit {exit})")}");
if (verb.ExitCode is { } exited) return exited;
args = verb.SupervisorArgs;

var restored = RestoredImage.None;
try
{
    // A re-exec of the supervisor: the previous image's state and descriptors (Resilience/RestoredImage). One it
    // cannot read is the previous executable's to take over again.
    try
    {
        restored = RestoredImage.FromEnvironment();
    }
    catch (Exception e) when (FatalError.Describe(e) is { } unreadable && RestoredImage.IsPending)
    {
        throw new SupervisorException($"cannot take over from the previous image ({unreadable.Message}), nor can it: {RestoredImage.FallBackBeforeStart(unreadable.Message)}");
    }
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });

    // Configuration: defaults beside the binary (or --config FILE), FDHANDOFF_* variables, command line;
    // every key checked. A reload reads the same file again (Upgrades/UpgradeCoordinator).
    // A re-executed image goes on with the settings the supervisor started with (a re-exec is not a reload).
    var source = ConfigurationSource.FromArgs(args);
    var settings = restored.HandOff is { } handOff
        ? SupervisorSettings.FromPairs(handOff.StartSettings, "the settings the supervisor started with")
        : source.Read();

    // A supervisor already running here: one line, and nothing of it touched.
    if (!restored.IsRestored) ControlSocketFile.RefuseIfAnswered(settings.ControlSocketPath);

    // Logging (Serilog) first: adopting a dead supervisor's workers happens before the host is built.
    var serilog = FdHandoffLogging.CreateLogger("fdhandoff");
    using var earlyLogs = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog);
    var controlListener = new ControlListener();
    var socketFile = new ControlSocketFile(earlyLogs.CreateLogger<ControlSocketFile>());
    // A supervisor that died without stopping left its state and its workers: adopted before any listener is bound
    // (Resilience/CrashAdoption), then restored like a re-exec.
    if (!restored.IsRestored && await CrashAdoption.TryAsync(settings, socketFile, controlListener, earlyLogs.CreateLogger("FdHandoff.Supervisor.Resilience.CrashAdoption")) is { } adopted)
    {
        restored = adopted;
        settings = SupervisorSettings.FromPairs(adopted.HandOff!.StartSettings, "the settings the supervisor that died started with");
    }
    builder.Services.AddSingleton(restored);
    builder.Services.AddSingleton(controlListener);
    builder.Services.AddSingleton(socketFile);
    builder.Services.AddSingleton(source);
    builder.Services.AddSingleton(settings);

    // Logging (Serilog) and systemd integration (Type=notify, STOPPING on SIGTERM) when run by systemd.
    builder.Services.AddSerilog(serilog, dispose: true);
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

    // 1b. A re-executed image: every owner takes its part of the previous image's state back (Resilience/StateRestore).
    builder.Services.AddSingleton<ReexecCompletion>();
    builder.Services.AddHostedService<StateRestore>();

    // 2. fd store, RELOADING/READY/STATUS and the watchdog; starts pinging before generation 1 is up.
    builder.Services.AddHostedService<SystemdService>();

    // 3. The control socket: workers say hello there; `fdhandoff upgrade` and `status` enter there
    //    (Control/AdminRequestHandler → Upgrades/UpgradeQueue).
    builder.Services.AddSingleton<ControlPlanePause>();  // held still at a message boundary while the state is written out
    builder.Services.AddSingleton<PendingAdmin>();
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
    builder.Services.AddSingleton<NotifySocket>();
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
    builder.Services.AddHostedService<StateFile>();  // on disk for the next supervisor, should this one die

    // 6. SIGHUP (and so `systemctl reload`) enters here, once generation 1 serves; SIGUSR2 and `fdhandoff reexec`
    //    re-execute the supervisor in place (Resilience/Reexec).
    builder.Services.AddHostedService<SighupTrigger>();
    builder.Services.AddSingleton<Reexec>();
    builder.Services.AddHostedService<ReexecTrigger>();

    using var host = builder.Build();
    try
    {
        await host.StartAsync();
    }
    catch (Exception e) when (restored.IsRestored && !restored.Committed)
    {
        // This image could not take over: the previous executable does, with the same descriptors and state.
        string why = FatalError.Describe(e)?.Message ?? e.Message;
        Console.Error.WriteLine($"fdhandoff: the new image could not take over ({why}): the previous executable takes over again");
        throw new SupervisorException($"the new image could not take over ({why}), nor could the previous one: {restored.FallBack(why)}");
    }
    if (restored.IsRestored) ReexecCompletion.Finish(host.Services, restored);
    await host.WaitForShutdownAsync();
    return 0;
}
catch (Exception e) when (FatalError.Describe(e) is { } fatal)
{
    Console.Error.WriteLine($"fdhandoff: {fatal.Message}");
    return fatal.ExitCode;
}
