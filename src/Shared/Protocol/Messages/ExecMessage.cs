using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// Launcher → supervisor, the last message of a systemd-protocol worker's control connection: it has its
/// listeners and execs <see cref="Program"/> now. The connection closes at the exec (it is CLOEXEC); from
/// then on the process (its pid, its exit) and the notify socket are all the supervisor hears of the worker.
/// An exec that fails is reported with an <see cref="ErrorMessage"/> before the launcher exits.
/// </summary>
internal sealed record ExecMessage(int Pid, string Program) : IControlMessage<ExecMessage>
{
    public static MessageKind Kind => MessageKind.Exec;
    public static JsonTypeInfo<ExecMessage> JsonInfo => ProtocolJson.Default.ExecMessage;
}
