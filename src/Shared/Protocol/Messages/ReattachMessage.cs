using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// A worker whose supervisor vanished, to the supervisor now at its control socket: who it is (checked against
/// SO_PEERCRED and the state the previous supervisor left), where it stands, and its listeners, one descriptor
/// attached per name in <see cref="Listeners"/>, in that order (the new supervisor may hold none of them yet).
/// </summary>
/// <param name="State">"ready", "handed-off" (listeners received, not ready yet) or "draining".</param>
/// <param name="Pending">Connections it handed over and got no answer for: the new supervisor finds out whether a
/// successor holds each (then Taken) or not (then Resend).</param>
/// <param name="Held">The socket inodes of the connections handed over to this worker (the latest 65,536), after it read
/// everything its old control connection still held: a connection in <see cref="Pending"/> of another worker that
/// appears here was received. (Not every socket it has open: at 10,000 connections that was 10,000 readlinks.)</param>
internal sealed record ReattachMessage(
    int Pid,
    int Generation,
    int Slot,
    string Token,
    string State,
    bool TakesConnections,
    IReadOnlyList<string>? Serving,
    int Connections,
    IReadOnlyList<string> Listeners,
    IReadOnlyList<PendingHandOver> Pending,
    IReadOnlyList<ulong> Held) : IControlMessage<ReattachMessage>
{
    public static MessageKind Kind => MessageKind.Reattach;
    public static JsonTypeInfo<ReattachMessage> JsonInfo => ProtocolJson.Default.ReattachMessage;
}
