using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>The worker has drained and exits now.</summary>
internal sealed record ByeMessage(int Pid) : IControlMessage<ByeMessage>
{
    public static MessageKind Kind => MessageKind.Bye;
    public static JsonTypeInfo<ByeMessage> JsonInfo => ProtocolJson.Default.ByeMessage;
}
