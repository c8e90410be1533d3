using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>How an upgrade ended; on failure the serving generation is untouched and Reason says why.</summary>
internal sealed record UpgradeResult(bool Ok, int Generation, int PreviousGeneration, string Reason, double ReadyMs) : IControlMessage<UpgradeResult>
{
    public static MessageKind Kind => MessageKind.UpgradeResult;
    public static JsonTypeInfo<UpgradeResult> JsonInfo => ProtocolJson.Default.UpgradeResult;
}
