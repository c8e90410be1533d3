using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// Established connections moving to the next generation (event ids 50-59).
internal static partial class SupervisorLog
{
    [LoggerMessage(50, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} keeps its connection on {Listener}: {Reason}")]
    public static partial void HandOverRefused(ILogger logger, int workerPid, int generation, string listener, string reason);

    [LoggerMessage(51, LogLevel.Warning, "Connection in transit not delivered to worker {WorkerPid} of generation {Generation} ({Reason}): trying another")]
    public static partial void ConnectionRerouted(ILogger logger, int workerPid, int generation, string reason);

    [LoggerMessage(52, LogLevel.Warning, "Closed a connection on {Listener} from worker {WorkerPid} of generation {Generation}, gone: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, int workerPid, int generation, string listener, string reason);

    [LoggerMessage(53, LogLevel.Information, "Generation {PreviousGeneration} retired in {DrainMs:0} ms: {ConnectionsMoved} connections moved to generation {Generation}, {ConnectionsKept} kept and closed by their worker, {ConnectionsClosed} closed by the supervisor")]
    public static partial void GenerationRetired(ILogger logger, int previousGeneration, int generation, double drainMs, int connectionsMoved, int connectionsKept, int connectionsClosed);

    [LoggerMessage(54, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} is gone with {ConnectionCount} connections sent to it and not taken: giving them to another worker")]
    public static partial void ConnectionsOrphaned(ILogger logger, int workerPid, int generation, int connectionCount);
}
