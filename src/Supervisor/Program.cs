using FdHandoff.Logging;
using FdHandoff.Supervisor;
using FdHandoff.Supervisor.Cli;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Systemd;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;

// fdhandoff: owns the listening sockets, hands them to workers, replaces workers without downtime.

// The client verbs (upgrade, status) talk to a running supervisor and never start one.
if (AdminCommand.IsVerb(args)) return AdminCommand.Run(args, Console.Out, Console.Error);
if (args is ["check-config", ..]) return CheckConfigCommand.Run(args[1..], Console.Out, Console.Error);

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
    //   spawn      Workers/WorkerSpawner    (started by Workers/WorkerPool, which watches, restarts and drains)
    //   hello      Control/ControlServer    (first message of a control connection)
    //   hand-off   Control/ListenerHandoff  (checks the Hello, sends the listeners with SCM_RIGHTS)
    //   ready      Control/WorkerMessageLoop → Upgrades/ReadinessGate
    //   serving    Upgrades/UpgradeCoordinator (promotes the generation, or rolls it back)
    //   drain/exit Workers/WorkerPool       (Drain, kill at the deadline, watch the exit);
    //              established connections move on through Control/ConnectionRouter
    // See docs/architecture.md.

    // 1. Listeners first, closed last: the supervisor holds every listening socket until it exits.
    builder.Services.AddSingleton<ListenerSet>();
    builder.Services.AddHostedService<ListenerService>();

    // 2. fd store, RELOADING/READY/STATUS and the watchdog; starts pinging before generation 1 is up.
    builder.Services.AddHostedService<SystemdService>();

    // 3. The control socket: workers say hello there; `fdhandoff upgrade` and `status` enter there
    //    (Control/AdminRequestHandler → Upgrades/UpgradeQueue).
    builder.Services.AddSingleton<ControlSocketFile>();
    builder.Services.AddSingleton<ConnectionRouter>();
    builder.Services.AddSingleton<WorkerMessageLoop>();
    builder.Services.AddSingleton<ListenerHandoff>();
    builder.Services.AddSingleton<AdminRequestHandler>();
    builder.Services.AddHostedService<ControlServer>();

    // 4. The worker table: spawn, watch, restart with backoff, drain; drains every worker at stop.
    builder.Services.AddSingleton<WorkerSpawner>();
    builder.Services.AddSingleton<WorkerPool>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<WorkerPool>());

    // 5. Generation 1 at start; later generations through the queue (one upgrade at a time, coalesced).
    builder.Services.AddSingleton<UpgradeCoordinator>();
    builder.Services.AddHostedService(sp => sp.GetRequiredService<UpgradeCoordinator>());
    builder.Services.AddSingleton<UpgradeQueue>();

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
