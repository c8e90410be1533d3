using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// The worker serves on every listener it was given. <see cref="TakesConnections"/>: its application accepts
/// established connections handed over from a retiring generation (only such workers are sent any).
/// <see cref="Serving"/>: the listeners the application serves, by name (null: it did not say).
/// </summary>
internal sealed record ReadyMessage(int Pid, bool TakesConnections = false, IReadOnlyList<string>? Serving = null) : IControlMessage<ReadyMessage>
{
    public static MessageKind Kind => MessageKind.Ready;
    public static JsonTypeInfo<ReadyMessage> JsonInfo => ProtocolJson.Default.ReadyMessage;
}
