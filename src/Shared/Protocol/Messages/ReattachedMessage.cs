using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Supervisor → worker: its <see cref="ReattachMessage"/> was accepted by the supervisor of <see cref="SupervisorPid"/>.</summary>
internal sealed record ReattachedMessage(int SupervisorPid) : IControlMessage<ReattachedMessage>
{
    public static MessageKind Kind => MessageKind.Reattached;
    public static JsonTypeInfo<ReattachedMessage> JsonInfo => ProtocolJson.Default.ReattachedMessage;
}
