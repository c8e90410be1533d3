using System.Buffers.Binary;
using System.Net.Sockets;
using FdHandoff.Protocol;
using FdHandoff.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A control connection that sends whatever bytes and descriptors a test gives it, the way a broken
/// or hostile peer would, and reports what came back before the supervisor hung up.
/// </summary>
internal sealed class RawControlConnection : IDisposable
{
    private readonly Socket _socket;

    private RawControlConnection(Socket socket) => _socket = socket;

    public sealed record Outcome(IReadOnlyList<int> ReplyKinds, int DescriptorsReceived, bool Closed);

    public static RawControlConnection Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return new RawControlConnection(socket);
    }

    /// <summary>
    /// Sends one datagram with <paramref name="fds"/> attached (we keep ours: the supervisor gets copies).
    /// False when the supervisor has already closed the connection.
    /// </summary>
    public bool TrySend(ReadOnlySpan<byte> datagram, ReadOnlySpan<int> fds = default)
    {
        try
        {
            while (!FdPassing.TrySend(_socket, datagram, fds, "send a raw datagram"))
                Readiness.WaitWritable(_socket, TimeSpan.FromSeconds(5));
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads until the supervisor closes the connection (or <paramref name="timeout"/>), closing any descriptor received.</summary>
    public Outcome ReadUntilClosed(TimeSpan timeout)
    {
        var kinds = new List<int>();
        int fds = 0;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !Readiness.WaitReadable(_socket, left)) return new Outcome(kinds, fds, false);
            ReceivedDatagram? datagram;
            try
            {
                datagram = FdPassing.TryReceive(_socket, ControlHeader.MaxMessageSize, "receive a reply");
            }
            catch (IOException)
            {
                return new Outcome(kinds, fds, true); // reset: closed with our messages unread
            }
            if (datagram is null) continue;
            using (datagram)
            {
                fds += datagram.DescriptorCount;
                if (datagram.Data.Length == 0) return new Outcome(kinds, fds, true);
                if (datagram.Data.Length >= ControlHeader.Size) kinds.Add(BinaryPrimitives.ReadUInt16LittleEndian(datagram.Data.AsSpan(6)));
            }
        }
    }

    /// <summary>A frame with a correct header around <paramref name="payload"/> (which may be anything).</summary>
    public static byte[] Frame(MessageKind kind, ReadOnlySpan<byte> payload, ushort descriptorCount = 0, ushort version = ControlHeader.CurrentVersion)
    {
        var data = new byte[ControlHeader.Size + payload.Length];
        new ControlHeader(version, kind, descriptorCount, (uint)payload.Length).Write(data);
        payload.CopyTo(data.AsSpan(ControlHeader.Size));
        return data;
    }

    public void Dispose() => _socket.Dispose();
}
