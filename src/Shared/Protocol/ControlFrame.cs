using System.Text.Json;
using FdHandoff.Interop;
using FdHandoff.Sockets;

namespace FdHandoff.Protocol;

/// <summary>
/// A received control message: checked header, payload, and the descriptors that came with it.
/// Owns those descriptors until <see cref="TakeDescriptors"/>; disposing closes any not taken, so a
/// receiver that did not expect descriptors closes them simply by disposing the frame.
/// </summary>
internal sealed class ControlFrame : IDisposable
{
    private readonly ReceivedDatagram _datagram;

    private ControlFrame(ControlHeader header, ReceivedDatagram datagram)
    {
        Header = header;
        _datagram = datagram;
    }

    public ControlHeader Header { get; }
    public MessageKind Kind => Header.Kind;
    public int DescriptorCount => _datagram.DescriptorCount;

    /// <summary>
    /// Checks a datagram and takes ownership of it. On any violation the datagram (and so every
    /// descriptor on it) is closed before the <see cref="ProtocolException"/> leaves.
    /// </summary>
    public static ControlFrame Parse(ReceivedDatagram datagram)
    {
        try
        {
            if (datagram.Truncated)
                throw new ProtocolException($"message larger than {ControlHeader.MaxMessageSize} bytes");
            if (datagram.ControlTruncated)
                throw new ProtocolException($"descriptors were cut off (MSG_CTRUNC): more than {FdPassing.MaxDescriptorsPerMessage} in one message?");
            var header = ControlHeader.Read(datagram.Data);
            if (header.DescriptorCount != datagram.DescriptorCount)
                throw new ProtocolException($"{header.Kind} says {header.DescriptorCount} descriptors, {datagram.DescriptorCount} arrived");
            return new ControlFrame(header, datagram);
        }
        catch
        {
            datagram.Dispose();
            throw;
        }
    }

    /// <summary>Reads the payload as <typeparamref name="T"/>; the kind must match.</summary>
    public T Read<T>() where T : IControlMessage<T>
    {
        if (Kind != T.Kind) throw new ProtocolException($"expected {T.Kind}, got {Kind}");
        try
        {
            return JsonSerializer.Deserialize(_datagram.Data.AsSpan(ControlHeader.Size), T.JsonInfo)
                ?? throw new ProtocolException($"{Kind} has an empty payload");
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"{Kind} payload is not valid: {e.Message}");
        }
    }

    /// <summary>Takes ownership of the descriptors; the caller must dispose each.</summary>
    public SafeFd[] TakeDescriptors() => _datagram.TakeDescriptors();

    public void Dispose() => _datagram.Dispose();
}
