using System.Net.Sockets;
using FdHandoff.Protocol;

namespace FdHandoff.Tests.Unit;

/// <summary>A connected pair of AF_UNIX SOCK_SEQPACKET sockets (a listener in a temp dir, then connect).</summary>
internal sealed class SeqpacketPair : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "fdh-pair-" + Guid.NewGuid().ToString("N")[..8]);

    public SeqpacketPair()
    {
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        Client = ControlChannel.Connect(path);
        ServerSocket = listener.Accept();
        Server = new ControlChannel(ServerSocket, "test server");
    }

    public ControlChannel Client { get; }
    public ControlChannel Server { get; }
    public Socket ServerSocket { get; }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
