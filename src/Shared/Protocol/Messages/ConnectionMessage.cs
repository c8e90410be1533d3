using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// An established connection for a serving worker, its descriptor on this message, with the state its
/// previous worker left and the listener it was accepted on. Answered with <see cref="ConnectionTakenMessage"/>.
/// </summary>
internal sealed record ConnectionMessage(long TransitId, string Listener, byte[] State) : IControlMessage<ConnectionMessage>
{
    public static MessageKind Kind => MessageKind.Connection;
    public static JsonTypeInfo<ConnectionMessage> JsonInfo => ProtocolJson.Default.ConnectionMessage;
}
