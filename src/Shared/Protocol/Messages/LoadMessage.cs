using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>The worker's count of open connections, for <c>fdhandoff status</c>; sent when it changes, at most a few times a second.</summary>
internal sealed record LoadMessage(int Connections) : IControlMessage<LoadMessage>
{
    public static MessageKind Kind => MessageKind.Load;
    public static JsonTypeInfo<LoadMessage> JsonInfo => ProtocolJson.Default.LoadMessage;
}
