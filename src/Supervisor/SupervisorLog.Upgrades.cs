using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// The upgrades' lines (event ids 40-49): a generation serving, an upgrade asked for, done or rolled back.
internal static partial class SupervisorLog
{
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
}
