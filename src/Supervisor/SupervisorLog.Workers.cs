using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// The worker table's lines (event ids 10-29): spawn, hand-off, ready, drain, exit, crash and restart.
internal static partial class SupervisorLog
{
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
}
