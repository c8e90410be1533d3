using System.Buffers.Binary;

namespace FdHandoff.Protocol;

/// <summary>
/// The fixed 16-byte header in front of every control message (little-endian):
/// magic u32 "FDHO", version u16, kind u16, descriptor count u16, reserved u16, payload length u32.
/// The datagram itself is the frame (SOCK_SEQPACKET), so the length only cross-checks it.
/// </summary>
internal readonly record struct ControlHeader(ushort Version, MessageKind Kind, ushort DescriptorCount, uint PayloadLength)
{
    public const uint Magic = 0x4F484446; // "FDHO" read as little-endian bytes
    public const ushort CurrentVersion = 1;
    public const int Size = 16;

    /// <summary>Largest datagram either side sends or accepts, header included.</summary>
    public const int MaxMessageSize = 64 * 1024;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)Kind);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], DescriptorCount);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], PayloadLength);
    }

    /// <summary>Reads and checks a header against the datagram it came in.</summary>
    public static ControlHeader Read(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < Size)
            throw new ProtocolException($"truncated message: {datagram.Length} bytes, the header alone is {Size}");
        if (BinaryPrimitives.ReadUInt32LittleEndian(datagram) != Magic)
            throw new ProtocolException("not an FdHandoff control message (bad magic)");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(datagram[4..]);
        if (version != CurrentVersion)
            throw new ProtocolException($"protocol version {version} is not supported (this side speaks {CurrentVersion})");
        var kind = (MessageKind)BinaryPrimitives.ReadUInt16LittleEndian(datagram[6..]);
        if (!Enum.IsDefined(kind))
            throw new ProtocolException($"unknown message kind {(ushort)kind}");
        ushort fds = BinaryPrimitives.ReadUInt16LittleEndian(datagram[8..]);
        uint payload = BinaryPrimitives.ReadUInt32LittleEndian(datagram[12..]);
        if (payload != datagram.Length - Size)
            throw new ProtocolException($"payload length says {payload} bytes, the message carries {datagram.Length - Size}");
        return new ControlHeader(version, kind, fds, payload);
    }
}
