using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// A batch of listeners, each entry matching the descriptor at the same index of the SCM_RIGHTS array.
/// <see cref="Last"/> marks the final batch (batches hold at most 253, the kernel's limit).
/// </summary>
internal sealed record ListenersMessage(int Batch, bool Last, int Total, IReadOnlyList<ListenerEntry> Listeners) : IControlMessage<ListenersMessage>
{
    public static MessageKind Kind => MessageKind.Listeners;
    public static JsonTypeInfo<ListenersMessage> JsonInfo => ProtocolJson.Default.ListenersMessage;
}
