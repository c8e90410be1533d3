using Microsoft.Extensions.Logging;

namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// The fault worker's own lines, with fixed event ids (900-999: test programs, never in a shipped one): the
/// tests wait on them to learn which pid plays the fault and when to strike. Public so that the tests' event
/// table (tests/FdHandoff.Tests/Infrastructure/LogEvents.cs) reads the ids from here.
/// </summary>
public static partial class FaultLog
{
    [LoggerMessage(900, LogLevel.Warning, "fault {Fault}: pid {WorkerPid} hangs until killed")]
    public static partial void Hangs(ILogger logger, WorkerFault fault, int workerPid);

    [LoggerMessage(901, LogLevel.Warning, "fault IgnoreDrain: pid {WorkerPid} ignores the drain")]
    public static partial void IgnoresDrain(ILogger logger, int workerPid);

    [LoggerMessage(902, LogLevel.Warning, "fault HoldConnections: pid {WorkerPid} holds every connection handed to it")]
    public static partial void HoldsConnections(ILogger logger, int workerPid);

    [LoggerMessage(903, LogLevel.Warning, "fault HandOverOneThenHang: pid {WorkerPid} handed over 1 connection (taken: {Taken}) of {ConnectionCount}, hangs until killed")]
    public static partial void HandedOverOne(ILogger logger, int workerPid, bool taken, int connectionCount);

    [LoggerMessage(904, LogLevel.Warning, "fault HandOverWhileServing: pid {WorkerPid} hand-over taken: {Taken} ({Reason})")]
    public static partial void HandOverAnswered(ILogger logger, int workerPid, bool taken, string reason);
}
