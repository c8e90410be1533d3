using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// The start-priority lines (event ids 460-469): a new generation warms up at a lower CPU priority.
internal static partial class SupervisorLog
{
    [LoggerMessage(460, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} starts at nice {Nice} while generation {Serving} serves its slot ({Threads} threads)")]
    public static partial void WorkerLowered(ILogger logger, int workerPid, int generation, int nice, int serving, int threads);

    [LoggerMessage(461, LogLevel.Debug, "Worker {WorkerPid} of generation {Generation} is ready: back to nice {Nice} ({Threads} threads)")]
    public static partial void WorkerRaised(ILogger logger, int workerPid, int generation, int nice, int threads);

    [LoggerMessage(463, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} not ready {LimitMs:0} ms into its warm-up: back to nice {Nice} for the rest of its ReadyTimeout ({Threads} threads)")]
    public static partial void WorkerRaisedUnready(ILogger logger, int workerPid, int generation, double limitMs, int nice, int threads);

    [LoggerMessage(462, LogLevel.Warning, "New generations start at normal CPU priority: this supervisor could not raise a worker back once ready ({Why}); give it LimitNICE=+0 (systemd) or CAP_SYS_NICE, or set Workers:StartNice to 0 to silence this")]
    public static partial void StartPriorityUnavailable(ILogger logger, string why);
}
