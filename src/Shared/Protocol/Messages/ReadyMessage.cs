using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>The worker serves on every listener it was given.</summary>
internal sealed record ReadyMessage(int Pid) : IControlMessage<ReadyMessage>
{
    public static MessageKind Kind => MessageKind.Ready;
    public static JsonTypeInfo<ReadyMessage> JsonInfo => ProtocolJson.Default.ReadyMessage;
}
