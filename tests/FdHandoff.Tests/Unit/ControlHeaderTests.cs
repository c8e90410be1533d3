using System.Buffers.Binary;
using FdHandoff.Protocol;

namespace FdHandoff.Tests.Unit;

public sealed class ControlHeaderTests
{
    private static byte[] Message(ushort version = ControlHeader.CurrentVersion, ushort kind = 1, ushort fds = 0, int payload = 2, uint? declared = null)
    {
        var data = new byte[ControlHeader.Size + payload];
        new ControlHeader(version, (MessageKind)kind, fds, declared ?? (uint)payload).Write(data);
        return data;
    }

    [Fact]
    public void A_header_reads_back_what_was_written()
    {
        var header = ControlHeader.Read(Message(kind: (ushort)MessageKind.Listeners, fds: 3, payload: 10));

        Assert.Equal(MessageKind.Listeners, header.Kind);
        Assert.Equal(3, header.DescriptorCount);
        Assert.Equal(10u, header.PayloadLength);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void A_message_shorter_than_the_header_is_truncated(int length)
    {
        var e = Assert.Throws<ProtocolException>(() => ControlHeader.Read(new byte[length]));
        Assert.Contains("truncated message", e.Message);
    }

    [Fact]
    public void Bad_magic_is_refused()
    {
        var data = Message();
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0xDEADBEEF);
        Assert.Contains("bad magic", Assert.Throws<ProtocolException>(() => ControlHeader.Read(data)).Message);
    }

    [Fact]
    public void Another_protocol_version_is_refused_naming_both_versions()
    {
        var e = Assert.Throws<ProtocolException>(() => ControlHeader.Read(Message(version: 2)));
        Assert.Equal("protocol version 2 is not supported (this side speaks 1)", e.Message);
    }

    [Fact]
    public void An_unknown_kind_is_refused()
    {
        Assert.Contains("unknown message kind 99", Assert.Throws<ProtocolException>(() => ControlHeader.Read(Message(kind: 99))).Message);
    }

    [Fact]
    public void A_payload_length_that_disagrees_with_the_datagram_is_refused()
    {
        var e = Assert.Throws<ProtocolException>(() => ControlHeader.Read(Message(payload: 4, declared: 400)));
        Assert.Contains("payload length says 400 bytes, the message carries 4", e.Message);
    }
}
