using System.Text.Json.Serialization.Metadata;

namespace FdHandoff.Protocol;

/// <summary>Stop accepting, finish in-flight work and exit within <see cref="DeadlineMs"/> milliseconds.</summary>
public sealed record DrainMessage(int DeadlineMs, string Reason) : IControlMessage<DrainMessage>
{
    public static MessageKind Kind => MessageKind.Drain;
    public static JsonTypeInfo<DrainMessage> JsonInfo => ProtocolJson.Default.DrainMessage;
}
