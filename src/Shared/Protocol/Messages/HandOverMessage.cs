using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// A retiring worker gives up one established connection, whose descriptor rides on this message.
/// <see cref="Id"/> is the worker's own number for it (echoed in the <see cref="HandOverResultMessage"/>);
/// <see cref="State"/> is opaque to the supervisor, at most <see cref="ConnectionHandOver.MaxStateBytes"/>.
/// </summary>
internal sealed record HandOverMessage(long Id, string Listener, byte[] State) : IControlMessage<HandOverMessage>
{
    public static MessageKind Kind => MessageKind.HandOver;
    public static JsonTypeInfo<HandOverMessage> JsonInfo => ProtocolJson.Default.HandOverMessage;
}
