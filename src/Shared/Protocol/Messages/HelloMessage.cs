using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>First message of a worker: who it claims to be. Checked against SO_PEERCRED and the spawn table.</summary>
internal sealed record HelloMessage(int Pid, int Generation, string Token) : IControlMessage<HelloMessage>
{
    public static MessageKind Kind => MessageKind.Hello;
    public static JsonTypeInfo<HelloMessage> JsonInfo => ProtocolJson.Default.HelloMessage;
}
