using Microsoft.Extensions.Logging;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Every log line of the ASP.NET Core integration, with fixed event ids (100-199). The placeholders become
/// structured properties and so journal fields (GENERATION, WORKER_PID...).
/// </summary>
internal static partial class HandoffLog
{
    [LoggerMessage(100, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} ready on {ListenerCount} listeners")]
    public static partial void Ready(ILogger logger, int generation, int workerPid, int listenerCount);

    [LoggerMessage(101, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} draining ({Reason}), {DrainMs} ms to the deadline")]
    public static partial void Draining(ILogger logger, int generation, int workerPid, string reason, int drainMs);

    [LoggerMessage(102, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} stopping with {OpenConnections} connections open")]
    public static partial void Stopping(ILogger logger, int generation, int workerPid, int openConnections);

    [LoggerMessage(103, LogLevel.Error, "Worker {WorkerPid} of generation {Generation}: drain failed, stopping now")]
    public static partial void DrainFailed(ILogger logger, Exception e, int generation, int workerPid);

    [LoggerMessage(104, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} stopped accepting, {OpenConnections} connections open")]
    public static partial void StoppedAccepting(ILogger logger, int generation, int workerPid, int openConnections);

    [LoggerMessage(105, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} reached its drain deadline with requests running: {RequestsCut} stopped and answered 503 or ended, {OpenConnections} connections open")]
    public static partial void RequestsCutAtDeadline(ILogger logger, int generation, int workerPid, int requestsCut, int openConnections);

    [LoggerMessage(106, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} warmed up: {WarmUpRequests} requests through its own pipeline in {WarmUpMs} ms, now accepting")]
    public static partial void WarmedUp(ILogger logger, int generation, int workerPid, int warmUpRequests, int warmUpMs);

    [LoggerMessage(107, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation}: warm-up request GET {WarmUpPath} answered {Status}, so it did not run the app's own path; accepting anyway (check FdHandoffWorker:WarmUp, and that the app answers Host: localhost over plain HTTP)")]
    public static partial void WarmUpAnswered(ILogger logger, int generation, int workerPid, string warmUpPath, int status);

    [LoggerMessage(108, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation}: warm-up request GET {WarmUpPath} failed ({Error}); accepting anyway")]
    public static partial void WarmUpFailed(ILogger logger, int generation, int workerPid, string warmUpPath, string error);

    [LoggerMessage(109, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation}: warm-up not over after {WarmUpTimeoutMs} ms (at GET {WarmUpPath}); accepting anyway (FdHandoffWorker:WarmUpTimeout)")]
    public static partial void WarmUpTimedOut(ILogger logger, int generation, int workerPid, string warmUpPath, int warmUpTimeoutMs);

    [LoggerMessage(110, LogLevel.Error, "Worker {WorkerPid} of generation {Generation} could not tell the supervisor it is ready: {Error}")]
    public static partial void ReadyNotSent(ILogger logger, int generation, int workerPid, string error);

    [LoggerMessage(111, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation}: {Reason}; serving on and waiting up to {OrphanTimeoutMs} ms for a supervisor to adopt it")]
    public static partial void SupervisorLost(ILogger logger, int generation, int workerPid, string reason, double orphanTimeoutMs);

    [LoggerMessage(112, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} adopted by supervisor {SupervisorPid}")]
    public static partial void Reattached(ILogger logger, int generation, int workerPid, int supervisorPid);
}
