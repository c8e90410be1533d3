using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Asks for a new generation of workers.</summary>
internal sealed record UpgradeRequest(string Reason) : IControlMessage<UpgradeRequest>
{
    public static MessageKind Kind => MessageKind.UpgradeRequest;
    public static JsonTypeInfo<UpgradeRequest> JsonInfo => ProtocolJson.Default.UpgradeRequest;
}
