using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// The end of a hand-over, for the worker that asked: <see cref="Taken"/> when a worker of the serving
/// generation has the connection (the asker closes its copy now); otherwise the asker still owns it and
/// <see cref="Reason"/> says why nobody took it. <see cref="Resend"/>: a supervisor that adopted this worker after its
/// predecessor vanished never received that connection; send it again (the asker still owns it).
/// </summary>
internal sealed record HandOverResultMessage(long Id, bool Taken, string Reason, bool Resend = false) : IControlMessage<HandOverResultMessage>
{
    public static MessageKind Kind => MessageKind.HandOverResult;
    public static JsonTypeInfo<HandOverResultMessage> JsonInfo => ProtocolJson.Default.HandOverResultMessage;
}
