using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Supervisor;
using FdHandoff.Tests.FaultWorker;
using FdHandoff.Worker;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// The log events the tests wait on, each read from its <c>[LoggerMessage]</c> method in the source (ids and
/// names are never written here twice). The ranges are in docs/operations.md; LogEventTests checks that every
/// event of the source is unique and inside its documented range.
/// </summary>
public static class LogEvents
{
    private static EventKind Supervisor(string method) => EventKind.Of(typeof(SupervisorLog), method);
    private static EventKind Library(string method) => EventKind.Of(typeof(HandoffLog), method);
    private static EventKind Worker(string method) => EventKind.Of(typeof(WorkerLog), method);
    private static EventKind Fault(string method) => EventKind.Of(typeof(FaultLog), method);

    /// <summary>The classes whose <c>[LoggerMessage]</c> methods are every event of ours, with the program(s) that log them.</summary>
    public static readonly IReadOnlyList<(Type Log, string Programs)> Sources =
    [
        (typeof(SupervisorLog), "fdhandoff"),
        (typeof(HandoffLog), "fdhandoff-worker and any worker using FdHandoff.AspNetCore"),
        (typeof(WorkerLog), "fdhandoff-worker"),
        (typeof(FaultLog), "fdhandoff-worker-faults (tests only)"),
    ];

    /// <summary>The warning about an unknown FDHANDOFF_LOG, a direct Serilog call given an id by FdHandoffLogging.</summary>
    public static readonly EventKind LogTargetUnknown = new(FdHandoffLogging.UnknownTarget.Id, FdHandoffLogging.UnknownTarget.Name!,
        "{Variable}={Value} is not one of auto, journal, console, json; using auto");

    /// <summary>Every event of ours, for reading a console line back (<see cref="LogEntry"/>).</summary>
    public static readonly IReadOnlyList<EventKind> Catalog = [.. Sources.SelectMany(s => EventKind.AllOf(s.Log)), LogTargetUnknown];

    // Supervisor: start-up (1-9).
    public static readonly EventKind ListenerBound = Supervisor(nameof(SupervisorLog.ListenerBound));
    public static readonly EventKind ListenerAdopted = Supervisor(nameof(SupervisorLog.ListenerAdopted));
    public static readonly EventKind PassedFdUnclaimed = Supervisor(nameof(SupervisorLog.PassedFdUnclaimed));
    public static readonly EventKind ListenerStored = Supervisor(nameof(SupervisorLog.ListenerStored));
    public static readonly EventKind WatchdogEnabled = Supervisor(nameof(SupervisorLog.WatchdogEnabled));
    public static readonly EventKind ListenerSkipped = Supervisor(nameof(SupervisorLog.ListenerSkipped));

    // Supervisor: workers (10-29).
    public static readonly EventKind WorkerSpawned = Supervisor(nameof(SupervisorLog.WorkerSpawned));
    public static readonly EventKind HandedOff = Supervisor(nameof(SupervisorLog.HandedOff));
    public static readonly EventKind WorkerReady = Supervisor(nameof(SupervisorLog.WorkerReady));
    public static readonly EventKind WorkerDraining = Supervisor(nameof(SupervisorLog.WorkerDraining));
    public static readonly EventKind WorkerExited = Supervisor(nameof(SupervisorLog.WorkerExited));
    public static readonly EventKind WorkerCrashed = Supervisor(nameof(SupervisorLog.WorkerCrashed));
    public static readonly EventKind WorkerRestartScheduled = Supervisor(nameof(SupervisorLog.WorkerRestartScheduled));
    public static readonly EventKind WorkerKilled = Supervisor(nameof(SupervisorLog.WorkerKilled));

    /// <summary>A worker ready, as either side says it: the supervisor (12) or the worker itself (100, the same first words).</summary>
    public static IReadOnlyCollection<EventKind> Ready => [WorkerReady, WorkerReadyItself];

    /// <summary>
    /// A worker draining, as either side says it: the supervisor telling it (13) or the worker itself (101, the
    /// same words); the supervisor's comes first.
    /// </summary>
    public static IReadOnlyCollection<EventKind> Draining => [WorkerDraining, WorkerDrainingItself];

    /// <summary>A worker's end, whichever way: exited (14) or crashed (15).</summary>
    public static readonly IReadOnlyCollection<EventKind> WorkerGone = [WorkerExited, WorkerCrashed];

    // Supervisor: control (30-39), upgrades (40-49), live connections (50-59).
    public static readonly EventKind ConnectionRefused = Supervisor(nameof(SupervisorLog.ConnectionRefused));
    public static readonly EventKind GenerationServing = Supervisor(nameof(SupervisorLog.GenerationServing));
    public static readonly EventKind UpgradeStarting = Supervisor(nameof(SupervisorLog.UpgradeStarting));
    public static readonly EventKind UpgradeDone = Supervisor(nameof(SupervisorLog.UpgradeDone));
    public static readonly EventKind UpgradeFailed = Supervisor(nameof(SupervisorLog.UpgradeFailed));
    public static readonly EventKind HandOverRefused = Supervisor(nameof(SupervisorLog.HandOverRefused));
    public static readonly EventKind ConnectionClosed = Supervisor(nameof(SupervisorLog.ConnectionClosed));
    public static readonly EventKind GenerationRetired = Supervisor(nameof(SupervisorLog.GenerationRetired));
    public static readonly EventKind ConnectionsOrphaned = Supervisor(nameof(SupervisorLog.ConnectionsOrphaned));

    // Supervisor: systemd-protocol workers (300-339), metrics (340-369), reload (370-399), unix sockets (400-429).
    public static readonly EventKind ProgramRunning = Supervisor(nameof(SupervisorLog.ProgramRunning));
    public static readonly EventKind NotifyRefused = Supervisor(nameof(SupervisorLog.NotifyRefused));
    public static readonly EventKind WatchdogExpired = Supervisor(nameof(SupervisorLog.WatchdogExpired));
    public static readonly EventKind MetricsListening = Supervisor(nameof(SupervisorLog.MetricsListening));
    public static readonly EventKind ReloadRefused = Supervisor(nameof(SupervisorLog.ReloadRefused));
    public static readonly EventKind ListenerRemoved = Supervisor(nameof(SupervisorLog.ListenerRemoved));
    public static readonly EventKind ListenerClosed = Supervisor(nameof(SupervisorLog.ListenerClosed));
    public static readonly EventKind ListenerUnserved = Supervisor(nameof(SupervisorLog.ListenerUnserved));
    public static readonly EventKind StaleUnixSocketReplaced = Supervisor(nameof(SupervisorLog.StaleUnixSocketReplaced));
    public static readonly EventKind UnixSocketRemoved = Supervisor(nameof(SupervisorLog.UnixSocketRemoved));
    public static readonly EventKind UnixSocketKept = Supervisor(nameof(SupervisorLog.UnixSocketKept));

    // Supervisor: rolling upgrades (430-459), start priority (460-469).
    public static readonly EventKind RollDone = Supervisor(nameof(SupervisorLog.RollDone));
    public static readonly EventKind RollFailed = Supervisor(nameof(SupervisorLog.RollFailed));

    /// <summary>An upgrade's end: done (42, 432 rolling) or failed (43, 433 rolling).</summary>
    public static readonly IReadOnlyCollection<EventKind> UpgradeEnded = [UpgradeDone, UpgradeFailed, RollDone, RollFailed];
    public static readonly EventKind SlotRolledBack = Supervisor(nameof(SupervisorLog.SlotRolledBack));
    public static readonly EventKind WorkerRaisedUnready = Supervisor(nameof(SupervisorLog.WorkerRaisedUnready));

    // Supervisor: its own resilience (470-499).
    public static readonly EventKind ReexecRequested = Supervisor(nameof(SupervisorLog.ReexecRequested));
    public static readonly EventKind ReexecFailed = Supervisor(nameof(SupervisorLog.ReexecFailed));
    public static readonly EventKind Reexecuted = Supervisor(nameof(SupervisorLog.Reexecuted));
    public static readonly EventKind ReexecFellBack = Supervisor(nameof(SupervisorLog.ReexecFellBack));
    public static readonly EventKind AdoptionStarting = Supervisor(nameof(SupervisorLog.AdoptionStarting));
    public static readonly EventKind WorkerReattached = Supervisor(nameof(SupervisorLog.WorkerReattached));
    public static readonly EventKind ReattachRefused = Supervisor(nameof(SupervisorLog.ReattachRefused));
    public static readonly EventKind Adopted = Supervisor(nameof(SupervisorLog.Adopted));

    /// <summary>A generation serves: generation 1 at start (40), a later one when its upgrade is done (42, or 432 rolling).</summary>
    public static readonly IReadOnlyCollection<EventKind> Serving = [GenerationServing, UpgradeDone, RollDone];

    // Worker-side library, FdHandoff.AspNetCore (100-199).
    public static readonly EventKind WorkerReadyItself = Library(nameof(HandoffLog.Ready));
    public static readonly EventKind WorkerDrainingItself = Library(nameof(HandoffLog.Draining));
    public static readonly EventKind StoppedAccepting = Library(nameof(HandoffLog.StoppedAccepting));
    public static readonly EventKind RequestsCutAtDeadline = Library(nameof(HandoffLog.RequestsCutAtDeadline));
    public static readonly EventKind WarmedUp = Library(nameof(HandoffLog.WarmedUp));
    public static readonly EventKind WarmUpTimedOut = Library(nameof(HandoffLog.WarmUpTimedOut));

    // Reference worker (200-299).
    public static readonly EventKind ListenerReceived = Worker(nameof(WorkerLog.ListenerReceived));
    public static readonly EventKind DatagramEchoStopped = Worker(nameof(WorkerLog.DatagramEchoStopped));

    // Fault worker (900-999).
    public static readonly EventKind FaultHangs = Fault(nameof(FaultLog.Hangs));
    public static readonly EventKind FaultIgnoresDrain = Fault(nameof(FaultLog.IgnoresDrain));
    public static readonly EventKind FaultHoldsConnections = Fault(nameof(FaultLog.HoldsConnections));
    public static readonly EventKind FaultHandedOverOne = Fault(nameof(FaultLog.HandedOverOne));
    public static readonly EventKind FaultHandOverAnswered = Fault(nameof(FaultLog.HandOverAnswered));
}
