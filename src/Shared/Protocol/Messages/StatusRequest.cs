using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Asks what is running.</summary>
internal sealed record StatusRequest : IControlMessage<StatusRequest>
{
    public static MessageKind Kind => MessageKind.StatusRequest;
    public static JsonTypeInfo<StatusRequest> JsonInfo => ProtocolJson.Default.StatusRequest;
}
