using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// systemd-protocol workers (event ids 300-339): the launcher (300-309), the notify socket (310-319), the watchdog (320-329).
internal static partial class SupervisorLog
{
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
}
