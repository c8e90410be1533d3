using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Admin → supervisor: <c>fdhandoff reexec</c>, with why (for the log).</summary>
internal sealed record ReexecRequest(string Reason) : IControlMessage<ReexecRequest>
{
    public static MessageKind Kind => MessageKind.ReexecRequest;
    public static JsonTypeInfo<ReexecRequest> JsonInfo => ProtocolJson.Default.ReexecRequest;
}
