using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Why the sender is about to close the connection.</summary>
internal sealed record ErrorMessage(string Reason) : IControlMessage<ErrorMessage>
{
    public static MessageKind Kind => MessageKind.Error;
    public static JsonTypeInfo<ErrorMessage> JsonInfo => ProtocolJson.Default.ErrorMessage;
}
