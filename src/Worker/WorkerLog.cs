namespace FdHandoff.Worker;

/// <summary>
/// Every log line of the reference worker's own services, with fixed event ids (200-299; the ASP.NET Core
/// integration has 100-199). The placeholders become structured properties and so journal fields.
/// </summary>
internal static partial class WorkerLog
{
    [LoggerMessage(200, LogLevel.Information, "Serving {Listener} ({Address}, protocol {Protocol})")]
    public static partial void Serving(ILogger logger, string listener, string address, int protocol);

    [LoggerMessage(201, LogLevel.Warning, "Accept on {Listener} failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string listener, string reason);

    [LoggerMessage(202, LogLevel.Information, "Worker {WorkerPid} of generation {Generation}: {ConnectionsMoved} connections handed over, {ConnectionsReceived} received, {ConnectionsKept} closed with no successor ({Reason}), {ConnectionsClosedAtDeadline} closed at the deadline")]
    public static partial void ConnectionsEnded(ILogger logger, int generation, int workerPid, int connectionsMoved, int connectionsReceived, int connectionsKept, int connectionsClosedAtDeadline, string reason);

    [LoggerMessage(230, LogLevel.Information, "Listener {Listener} ({Address}): {Transport}, SO_PROTOCOL {Protocol}, served by {Service}")]
    public static partial void ListenerReceived(ILogger logger, string listener, string address, string transport, int protocol, string service);

    [LoggerMessage(231, LogLevel.Information, "Datagram echo on {Listener} stopped reading ({Reason}): {Datagrams} datagrams answered")]
    public static partial void DatagramEchoStopped(ILogger logger, string listener, string reason, long datagrams);

    [LoggerMessage(232, LogLevel.Warning, "Datagram echo on {Listener}: {Operation} failed: {Reason}")]
    public static partial void DatagramFailed(ILogger logger, string listener, string operation, string reason);
}
