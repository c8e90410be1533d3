using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// Rolling upgrades, slot by slot (event ids 430-459).
internal static partial class SupervisorLog
{
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
}
