using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

/// <summary>
/// Every log line of the supervisor, with fixed event ids. The placeholders become structured
/// properties (Generation, WorkerPid, Listener...) and so journal fields (GENERATION, WORKER_PID...).
/// </summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "Listener {Listener} bound on {Address} (fd {Fd})")]
    public static partial void ListenerBound(ILogger logger, string listener, string address, int fd);

    [LoggerMessage(2, LogLevel.Information, "Control socket listening on {ControlSocket}")]
    public static partial void ControlSocketListening(ILogger logger, string controlSocket);

    [LoggerMessage(3, LogLevel.Information, "Listener {Listener} adopted from systemd on {Address} (fd {Fd})")]
    public static partial void ListenerAdopted(ILogger logger, string listener, string address, int fd);

    [LoggerMessage(4, LogLevel.Warning, "systemd passed fd {Fd} named '{Listener}' but no listener of that name is configured: closed")]
    public static partial void PassedFdUnclaimed(ILogger logger, string listener, int fd);

    [LoggerMessage(5, LogLevel.Information, "Listener {Listener} kept in systemd's fd store")]
    public static partial void ListenerStored(ILogger logger, string listener);

    [LoggerMessage(6, LogLevel.Warning, "systemd notification failed: {Reason}")]
    public static partial void NotifyFailed(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "systemd watchdog: pinging every {PingMs:0} ms")]
    public static partial void WatchdogEnabled(ILogger logger, double pingMs);

    [LoggerMessage(8, LogLevel.Error, "systemd watchdog: not pinging, the supervisor is not healthy: {Reason}")]
    public static partial void WatchdogWithheld(ILogger logger, string reason);

    [LoggerMessage(9, LogLevel.Error, "Starting WITHOUT listener {Listener} (SkipUnavailableSctp): {Reason}")]
    public static partial void ListenerSkipped(ILogger logger, string listener, string reason);

    [LoggerMessage(10, LogLevel.Information, "Spawned worker {WorkerPid} for generation {Generation} (slot {Slot})")]
    public static partial void WorkerSpawned(ILogger logger, int workerPid, int generation, int slot);

    [LoggerMessage(11, LogLevel.Information, "Handed {ListenerCount} listeners to worker {WorkerPid} of generation {Generation} in {HandoffMs:0.###} ms")]
    public static partial void HandedOff(ILogger logger, int workerPid, int generation, int listenerCount, double handoffMs);

    [LoggerMessage(12, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} ready {StartToReadyMs:0} ms after spawn")]
    public static partial void WorkerReady(ILogger logger, int workerPid, int generation, double startToReadyMs);

    [LoggerMessage(13, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} draining ({Reason}), deadline {DrainMs:0} ms")]
    public static partial void WorkerDraining(ILogger logger, int workerPid, int generation, string reason, double drainMs);

    [LoggerMessage(14, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} exited with code {ExitCode}")]
    public static partial void WorkerExited(ILogger logger, int workerPid, int generation, int exitCode);

    [LoggerMessage(15, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} crashed: exit code {ExitCode} while {WorkerState}, after {UptimeSeconds:0.0} s")]
    public static partial void WorkerCrashed(ILogger logger, int workerPid, int generation, int exitCode, string workerState, double uptimeSeconds);

    [LoggerMessage(16, LogLevel.Warning, "Restarting slot {Slot} of generation {Generation} in {BackoffMs:0} ms (crash {CrashesInARow} in a row)")]
    public static partial void WorkerRestartScheduled(ILogger logger, int generation, int slot, double backoffMs, int crashesInARow);

    [LoggerMessage(17, LogLevel.Error, "Could not restart slot {Slot} of generation {Generation}: {Reason}")]
    public static partial void WorkerRestartFailed(ILogger logger, int generation, int slot, string reason);

    [LoggerMessage(18, LogLevel.Warning, "Killed worker {WorkerPid} of generation {Generation}: {Reason}")]
    public static partial void WorkerKilled(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(19, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} cannot be told to drain: {Reason}")]
    public static partial void WorkerUnreachable(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(20, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} said bye")]
    public static partial void WorkerBye(ILogger logger, int workerPid, int generation);

    [LoggerMessage(21, LogLevel.Error, "Hand-off to worker {WorkerPid} of generation {Generation} failed: {Reason}")]
    public static partial void HandoffFailed(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(22, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} sent {Kind} with {DescriptorCount} descriptors: ignored, descriptors closed")]
    public static partial void UnexpectedMessage(ILogger logger, int workerPid, int generation, string kind, int descriptorCount);

    [LoggerMessage(23, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} sent a bad message: {Reason}; control connection closed")]
    public static partial void BadMessage(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(30, LogLevel.Warning, "Refused control connection from pid {PeerPid} uid {PeerUid}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, int peerPid, uint peerUid, string reason);

    [LoggerMessage(31, LogLevel.Warning, "Control connection from pid {PeerPid} failed: {Reason}")]
    public static partial void ControlConnectionFailed(ILogger logger, int peerPid, string reason);

    [LoggerMessage(32, LogLevel.Warning, "Accept on the control socket failed: {Reason}")]
    public static partial void ControlAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(33, LogLevel.Information, "Removing stale control socket {ControlSocket}")]
    public static partial void StaleControlSocketRemoved(ILogger logger, string controlSocket);

    [LoggerMessage(40, LogLevel.Information, "Generation {Generation} serving with {WorkerCount} workers, ready in {ReadyMs:0} ms")]
    public static partial void GenerationServing(ILogger logger, int generation, int workerCount, double readyMs);

    [LoggerMessage(41, LogLevel.Information, "Upgrade from generation {PreviousGeneration} starting ({Reason})")]
    public static partial void UpgradeStarting(ILogger logger, int previousGeneration, string reason);

    [LoggerMessage(42, LogLevel.Information, "Upgrade to generation {Generation} done: every new worker ready in {ReadyMs:0} ms, generation {PreviousGeneration} draining")]
    public static partial void UpgradeDone(ILogger logger, int generation, int previousGeneration, double readyMs);

    [LoggerMessage(43, LogLevel.Error, "Upgrade to generation {Generation} failed, rolled back; generation {PreviousGeneration} keeps serving: {Reason}")]
    public static partial void UpgradeFailed(ILogger logger, int generation, int previousGeneration, string reason);

    [LoggerMessage(44, LogLevel.Information, "Upgrade requested by pid {PeerPid} uid {PeerUid} ({Reason})")]
    public static partial void UpgradeRequested(ILogger logger, int peerPid, uint peerUid, string reason);

    [LoggerMessage(45, LogLevel.Information, "Upgrade request ({Reason}) joins the upgrade already waiting")]
    public static partial void UpgradeCoalesced(ILogger logger, string reason);

    [LoggerMessage(46, LogLevel.Warning, "SIGHUP ignored: {Reason}")]
    public static partial void SighupIgnored(ILogger logger, string reason);

    [LoggerMessage(50, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} keeps its connection on {Listener}: {Reason}")]
    public static partial void HandOverRefused(ILogger logger, int workerPid, int generation, string listener, string reason);

    [LoggerMessage(51, LogLevel.Warning, "Connection in transit not delivered to worker {WorkerPid} of generation {Generation} ({Reason}): trying another")]
    public static partial void ConnectionRerouted(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(52, LogLevel.Warning, "Closed a connection on {Listener} from worker {WorkerPid} of generation {Generation}, gone: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, int workerPid, int generation, string listener, string reason);

    [LoggerMessage(53, LogLevel.Information, "Generation {PreviousGeneration} retired in {DrainMs:0} ms: {ConnectionsMoved} connections moved to generation {Generation}, {ConnectionsKept} kept and closed by their worker, {ConnectionsClosed} closed by the supervisor")]
    public static partial void GenerationRetired(ILogger logger, int previousGeneration, int generation, double drainMs, int connectionsMoved, int connectionsKept, int connectionsClosed);

    [LoggerMessage(340, LogLevel.Information, "Metrics on http://{MetricsAddress}/metrics, health on /healthz and /readyz")]
    public static partial void MetricsListening(ILogger logger, string metricsAddress);

    [LoggerMessage(54, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} is gone with {ConnectionCount} connections sent to it and not taken: giving them to another worker")]
    public static partial void ConnectionsOrphaned(ILogger logger, int workerPid, int generation, int connectionCount);

    // 300-339: systemd-protocol workers (the launcher, the notify socket, the watchdog).

    [LoggerMessage(300, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} execs {Program}: its control connection closes now; its pid and the notify socket speak for it from here")]
    public static partial void ProgramExecuting(ILogger logger, int workerPid, int generation, string program);

    [LoggerMessage(301, LogLevel.Error, "Worker {WorkerPid} of generation {Generation} could not start {Program}: {Reason}")]
    public static partial void ProgramExecFailed(ILogger logger, int workerPid, int generation, string program, string reason);

    [LoggerMessage(302, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} runs {Program} (ready on: {ReadyMode})")]
    public static partial void ProgramRunning(ILogger logger, int workerPid, int generation, string program, string readyMode);

    [LoggerMessage(310, LogLevel.Information, "Notify socket for workers on {NotifySocket} (NotifyAccess {NotifyAccess})")]
    public static partial void NotifySocketListening(ILogger logger, string notifySocket, string notifyAccess);

    [LoggerMessage(311, LogLevel.Warning, "Notification from pid {SenderPid} uid {SenderUid} ignored: {Reason} ({Suppressed} more not logged in the last second)")]
    public static partial void NotifyRefused(ILogger logger, int senderPid, uint senderUid, string reason, int suppressed);

    [LoggerMessage(312, LogLevel.Warning, "Notification from worker {WorkerPid} of generation {Generation} dropped: {Reason}")]
    public static partial void NotifyDropped(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(313, LogLevel.Debug, "Worker {WorkerPid} of generation {Generation} sent READY=1 again while {WorkerState}")]
    public static partial void NotifyReadyAgain(ILogger logger, int workerPid, int generation, string workerState);

    [LoggerMessage(314, LogLevel.Debug, "Worker {WorkerPid} of generation {Generation} status: {WorkerStatus}")]
    public static partial void NotifyStatus(ILogger logger, int workerPid, int generation, string workerStatus);

    [LoggerMessage(315, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} is stopping (STOPPING=1)")]
    public static partial void NotifyStopping(ILogger logger, int workerPid, int generation);

    [LoggerMessage(316, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} is reloading (RELOADING=1)")]
    public static partial void NotifyReloading(ILogger logger, int workerPid, int generation);

    [LoggerMessage(317, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} names {MainPid} its main process (MAINPID=)")]
    public static partial void NotifyMainPid(ILogger logger, int workerPid, int generation, int mainPid);

    [LoggerMessage(318, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} extends its timeout by {ExtendMs:0} ms (EXTEND_TIMEOUT_USEC=)")]
    public static partial void NotifyExtended(ILogger logger, int workerPid, int generation, double extendMs);

    [LoggerMessage(319, LogLevel.Debug, "Worker {WorkerPid} of generation {Generation}: notification {Notification} from pid {SenderPid} ignored")]
    public static partial void NotifyIgnored(ILogger logger, int workerPid, int generation, int senderPid, string notification);

    [LoggerMessage(320, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} sent no WATCHDOG=1 for {SilentMs:0} ms (limit {WatchdogMs:0} ms): killing it")]
    public static partial void WatchdogExpired(ILogger logger, int workerPid, int generation, double silentMs, double watchdogMs);
    [LoggerMessage(430, LogLevel.Information, "Rolling upgrade from generation {PreviousGeneration} to generation {Generation}: {SlotCount} slots, one at a time")]
    public static partial void RollStarting(ILogger logger, int previousGeneration, int generation, int slotCount);

    [LoggerMessage(431, LogLevel.Information, "Slot {Slot} rolled from generation {PreviousGeneration} to generation {Generation}: worker {WorkerPid} ready, {OldWorkerCount} old worker(s) drained and exited in {DrainMs:0} ms")]
    public static partial void SlotRolled(ILogger logger, int slot, int previousGeneration, int generation, int workerPid, int oldWorkerCount, double drainMs);

    [LoggerMessage(432, LogLevel.Information, "Upgrade to generation {Generation} done, rolling: {SlotCount} slots replaced one at a time in {RollMs:0} ms; generation {PreviousGeneration} has exited")]
    public static partial void RollDone(ILogger logger, int generation, int slotCount, double rollMs, int previousGeneration);

    [LoggerMessage(433, LogLevel.Error, "Upgrade to generation {Generation} failed, rolling: stopped at slot {Slot} ({SlotNumber} of {SlotCount}): {Reason}; {Outcome}")]
    public static partial void RollFailed(ILogger logger, int generation, int slot, int slotNumber, int slotCount, string reason, string outcome);

    [LoggerMessage(434, LogLevel.Information, "Slot {Slot} rolled back to generation {Generation}: worker {WorkerPid} ready, {OldWorkerCount} worker(s) of generation {FailedGeneration} drained and exited in {DrainMs:0} ms")]
    public static partial void SlotRolledBack(ILogger logger, int slot, int generation, int workerPid, int oldWorkerCount, int failedGeneration, double drainMs);

    [LoggerMessage(435, LogLevel.Error, "Slot {Slot} could not be rolled back to generation {Generation} and keeps its worker of generation {FailedGeneration}: {Reason}")]
    public static partial void SlotRollBackFailed(ILogger logger, int slot, int generation, int failedGeneration, string reason);

    [LoggerMessage(436, LogLevel.Information, "Rolling {RolledBackSlots} back to generation {PreviousGeneration}, one at a time: slot {Slot} of generation {Generation} failed")]
    public static partial void RollingBack(ILogger logger, string rolledBackSlots, int previousGeneration, int slot, int generation);
    // 370-399: reload (a new configuration per upgrade).
    [LoggerMessage(370, LogLevel.Error, "Reload refused, generation {Generation} keeps serving unchanged: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, int generation, string reason);

    [LoggerMessage(371, LogLevel.Information, "Reload: configuration {Configuration} read and checked; listeners for generation {Generation}: {Listeners}")]
    public static partial void ReloadConfigurationRead(ILogger logger, string configuration, int generation, string listeners);

    [LoggerMessage(372, LogLevel.Information, "Listener {Listener} added on {Address} (fd {Fd}) for generation {Generation}")]
    public static partial void ListenerAdded(ILogger logger, string listener, string address, int fd, int generation);

    [LoggerMessage(373, LogLevel.Information, "Listener {Listener} ({Address}) is not handed to generation {Generation}; closed once the workers holding it have exited")]
    public static partial void ListenerRemoved(ILogger logger, string listener, string address, int generation);

    [LoggerMessage(374, LogLevel.Information, "Listener {Listener} ({Address}) closed: no worker holds it any more")]
    public static partial void ListenerClosed(ILogger logger, string listener, string address);

    [LoggerMessage(375, LogLevel.Information, "Listener {Listener} backlog {OldBacklog} -> {Backlog} (listen() again on the same socket)")]
    public static partial void ListenerBacklogChanged(ILogger logger, string listener, int oldBacklog, int backlog);

    [LoggerMessage(376, LogLevel.Warning, "Listener {Listener} ({Address}) belongs to a systemd socket unit: the configuration dropped it, but it is kept and handed to generation {Generation}; remove it from the .socket unit to drop it")]
    public static partial void AdoptedListenerKept(ILogger logger, string listener, string address, int generation);

    [LoggerMessage(377, LogLevel.Warning, "Listener {Listener} ({Address}) is served by no worker of generation {Generation}: connections to it wait in its backlog; {Advice}")]
    public static partial void ListenerUnserved(ILogger logger, string listener, string address, int generation, string advice);
}
