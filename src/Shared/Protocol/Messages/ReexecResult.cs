using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// How a re-exec ended, told by the image that runs afterwards: <see cref="Ok"/> with the new image's version, or
/// why not (the previous image serves on).
/// </summary>
internal sealed record ReexecResult(bool Ok, int Pid, string Version, string PreviousVersion, string Reason, double ElapsedMs) : IControlMessage<ReexecResult>
{
    public static MessageKind Kind => MessageKind.ReexecResult;
    public static JsonTypeInfo<ReexecResult> JsonInfo => ProtocolJson.Default.ReexecResult;
}
