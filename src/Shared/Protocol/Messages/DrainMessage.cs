using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>
/// Stop accepting, finish in-flight work and exit within <see cref="DeadlineMs"/> milliseconds. Idle
/// keep-alive connections may stay open (a request on them is answered with Connection: close) for
/// <see cref="CloseIdleAfterMs"/>, then are closed; 0 means until shortly before the deadline.
/// </summary>
internal sealed record DrainMessage(int DeadlineMs, string Reason, int CloseIdleAfterMs = 0) : IControlMessage<DrainMessage>
{
    public static MessageKind Kind => MessageKind.Drain;
    public static JsonTypeInfo<DrainMessage> JsonInfo => ProtocolJson.Default.DrainMessage;
}
