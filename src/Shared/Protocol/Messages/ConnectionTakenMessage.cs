using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>The worker's application has taken connection <see cref="TransitId"/>: from now on only it reads it.</summary>
internal sealed record ConnectionTakenMessage(long TransitId) : IControlMessage<ConnectionTakenMessage>
{
    public static MessageKind Kind => MessageKind.ConnectionTaken;
    public static JsonTypeInfo<ConnectionTakenMessage> JsonInfo => ProtocolJson.Default.ConnectionTakenMessage;
}
