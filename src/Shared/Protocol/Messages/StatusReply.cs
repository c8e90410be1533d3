using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>What the supervisor runs now.</summary>
internal sealed record StatusReply(
    int SupervisorPid,
    int Generation,
    string LastUpgrade,
    int OpenDescriptors,
    IReadOnlyList<WorkerStatus> Workers,
    IReadOnlyList<ListenerStatus> Listeners,
    HandOverStatus? LastHandOver = null,
    IReadOnlyList<GenerationStatus>? Generations = null,
    SupervisorStatus? Supervisor = null) : IControlMessage<StatusReply>
{
    public static MessageKind Kind => MessageKind.StatusReply;
    public static JsonTypeInfo<StatusReply> JsonInfo => ProtocolJson.Default.StatusReply;
}
