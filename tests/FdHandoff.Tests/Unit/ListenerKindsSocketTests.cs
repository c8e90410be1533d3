using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Listeners;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Tests.Infrastructure;
using FdHandoff.Tests.Systemd;
using FdHandoff.Unix;

namespace FdHandoff.Tests.Unit;

/// <summary>The udp, unix and mptcp listeners as the factory makes them and as a passed socket is checked, on real sockets.</summary>
[Collection(nameof(SerialCollection))]
public sealed class ListenerKindsSocketTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fdh-kinds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ListenerSpec Ip(string name, ListenerTransport transport, IPAddress address, int port = 0) =>
        new(name, transport, [address], port);

    private string SocketPath(string name = "http.sock") => Path.Combine(_dir, name);

    [Fact]
    public void A_udp_listener_is_a_bound_cloexec_datagram_socket()
    {
        using var socket = ListeningSocketFactory.Bind(Ip("dns", ListenerTransport.Udp, IPAddress.IPv6Loopback));

        Assert.Equal(Libc.SOCK_DGRAM, SocketProbe.Type(socket.SafeHandle));
        Assert.Equal(Libc.IPPROTO_UDP, SocketProbe.Protocol(socket.SafeHandle));
        Assert.True(SocketProbe.IsCloseOnExec((int)socket.Handle));
        Assert.Equal(IPAddress.IPv6Loopback, ((IPEndPoint)socket.LocalEndPoint!).Address);
    }

    [Fact]
    public void A_udp_port_in_use_is_refused_not_shared()
    {
        // Without SO_REUSEADDR on either side: a second bind must fail, not split the datagrams between two owners.
        using var holder = ListeningSocketFactory.Bind(Ip("a", ListenerTransport.Udp, IPAddress.Loopback));
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var e = Assert.Throws<AddressInUseException>(() => ListeningSocketFactory.Bind(ListenerSpec.Parse($"b=udp://127.0.0.1:{port}")));

        Assert.Equal(Libc.EADDRINUSE, e.Errno);
    }

    [Fact]
    public void An_mptcp_listener_reads_back_as_IPPROTO_MPTCP()
    {
        using var socket = ListeningSocketFactory.Bind(Ip("web", ListenerTransport.Mptcp, IPAddress.Loopback));

        Assert.Equal(Libc.IPPROTO_MPTCP, SocketProbe.Protocol(socket.SafeHandle));
        Assert.True(SocketProbe.IsListening(socket.SafeHandle));
        Assert.True(SocketProbe.IsCloseOnExec((int)socket.Handle));
    }

    [Fact]
    public void A_unix_listener_is_made_with_its_mode_and_group_and_listens()
    {
        string path = SocketPath();
        using var socket = ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}?mode=0640&group=0"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
        Assert.True(FileNode.Lstat(path)!.Value.IsSocket);
        Assert.True(SocketProbe.IsListening(socket.SafeHandle));
        Assert.True(SocketProbe.IsCloseOnExec((int)socket.Handle));
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
    }

    [Fact]
    public void A_stale_unix_socket_file_is_replaced()
    {
        string path = SocketPath();
        StaleSocketFile.Create(path);

        using var socket = ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}"), out bool replaced);

        Assert.True(replaced);
        Assert.True(SocketProbe.IsListening(socket.SafeHandle));
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path)); // the path leads to the new socket
    }

    [Fact]
    public void A_live_unix_socket_is_refused_and_left_alone()
    {
        string path = SocketPath();
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(path));
        live.Listen();
        var before = FileNode.Lstat(path);

        var e = Assert.Throws<AddressInUseException>(() => ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}")));

        Assert.Equal($"bind {path}", e.Attempted);
        Assert.Equal(before, FileNode.Lstat(path));
    }

    [Theory]
    [InlineData("file", "a regular file")]
    [InlineData("directory", "a directory")]
    [InlineData("symlink", "a symlink")]
    public void Something_other_than_a_socket_at_the_path_is_refused_and_never_removed(string what, string kind)
    {
        string path = SocketPath();
        switch (what)
        {
            case "file": File.WriteAllText(path, "data"); break;
            case "directory": Directory.CreateDirectory(path); break;
            default: File.CreateSymbolicLink(path, "/nonexistent"); break;
        }

        var e = Assert.Throws<UnixPathOccupiedException>(() => ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}")));

        Assert.Equal(kind, e.Kind);
        Assert.NotNull(FileNode.Lstat(path));
        Assert.Equal(
            $"cannot bind listener http=unix://{path}: {path} exists and is {kind}, not a socket; remove it yourself if it is not needed, or change Listeners:http",
            ListenerBinder.BindFailure(e.Spec, e));
    }

    [Fact]
    public void A_unix_listener_in_a_missing_directory_says_to_create_it()
    {
        var spec = ListenerSpec.Parse($"http=unix://{_dir}/missing/http.sock");

        var e = Assert.Throws<ListenerSocketException>(() => ListeningSocketFactory.Bind(spec));

        Assert.Equal(
            $"cannot bind listener {spec}: directory {_dir}/missing does not exist; create it (RuntimeDirectory= in the service unit) or change Listeners:http",
            ListenerBinder.BindFailure(spec, e));
    }

    [Fact]
    public void The_socket_file_is_removed_only_while_it_is_still_the_one_made()
    {
        string path = SocketPath();
        using (ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}"))) { }
        var made = FileNode.Lstat(path)!.Value;
        // A successor's socket file moved over ours (made apart first, so it cannot get our freed inode number).
        StaleSocketFile.Create(path + ".next");
        File.Move(path + ".next", path, overwrite: true);

        bool removedSuccessors = UnixSocketPath.RemoveIfStill(path, made);
        var successorNode = FileNode.Lstat(path)!.Value;
        bool removedOwn = UnixSocketPath.RemoveIfStill(path, successorNode);

        Assert.False(removedSuccessors);
        Assert.True(removedOwn);
        Assert.Null(FileNode.Lstat(path));
    }

    [Theory]
    [InlineData(Libc.ENOPROTOOPT, "0", "MPTCP is switched off on this host (sysctl net.mptcp.enabled = 0); turn it on (sysctl -w net.mptcp.enabled=1")]
    [InlineData(Libc.EPROTONOSUPPORT, null, "this kernel has no MPTCP (no sysctl net.mptcp.enabled;")]
    public void MPTCP_unavailable_names_the_sysctl(int errno, string? enabled, string what)
    {
        var spec = ListenerSpec.Parse("web=mptcp://127.0.0.1:8443");

        string line = ListenerBinder.BindFailure(spec, new MptcpUnavailableException(spec, "socket()", errno, enabled));

        Assert.StartsWith("cannot create MPTCP listener web=mptcp://127.0.0.1:8443: " + what, line);
        Assert.EndsWith("or use tcp:// in Listeners:web", line);
    }

    [Fact]
    public void Passed_udp_unix_and_mptcp_sockets_are_adopted_when_they_match()
    {
        string path = SocketPath();
        using var udp = ListeningSocketFactory.Bind(Ip("dns", ListenerTransport.Udp, IPAddress.Loopback));
        using var unix = ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}"));
        using var mptcp = ListeningSocketFactory.Bind(Ip("web", ListenerTransport.Mptcp, IPAddress.Loopback));

        using var a = PassedSocketCheck.Adopt(ListenerSpec.Parse($"dns=udp://127.0.0.1:{((IPEndPoint)udp.LocalEndPoint!).Port}"), Copy(udp));
        using var b = PassedSocketCheck.Adopt(ListenerSpec.Parse($"http=unix://{path}"), Copy(unix));
        using var c = PassedSocketCheck.Adopt(ListenerSpec.Parse($"web=mptcp://127.0.0.1:{((IPEndPoint)mptcp.LocalEndPoint!).Port}"), Copy(mptcp));

        Assert.Equal(Libc.SOCK_DGRAM, SocketProbe.Type(a.SafeHandle));
        Assert.Equal(path, b.LocalEndPoint!.ToString());
        Assert.Equal(Libc.IPPROTO_MPTCP, SocketProbe.Protocol(c.SafeHandle));
    }

    [Fact]
    public void A_passed_stream_socket_for_a_udp_listener_is_refused()
    {
        using var tcp = ListeningSocketFactory.Bind(Ip("t", ListenerTransport.Tcp, IPAddress.Loopback));
        using var fd = Copy(tcp);

        var e = Assert.Throws<PassedSocketMismatchException>(() => PassedSocketCheck.Adopt(ListenerSpec.Parse("dns=udp://127.0.0.1:5353"), fd));

        Assert.Equal("is not a datagram socket (SO_TYPE 1; ListenDatagram= expected for listener dns=udp://127.0.0.1:5353)", e.Reason);
    }

    [Fact]
    public void A_passed_tcp_socket_for_an_mptcp_listener_is_refused()
    {
        using var tcp = ListeningSocketFactory.Bind(Ip("t", ListenerTransport.Tcp, IPAddress.Loopback));
        int port = ((IPEndPoint)tcp.LocalEndPoint!).Port;
        using var fd = Copy(tcp);

        var e = Assert.Throws<PassedSocketMismatchException>(() => PassedSocketCheck.Adopt(ListenerSpec.Parse($"web=mptcp://127.0.0.1:{port}"), fd));

        Assert.Equal($"is protocol 6, listener web=mptcp://127.0.0.1:{port} needs 262 (SocketProtocol=mptcp in the .socket unit; a systemd without it: no unit, fdhandoff binds it)", e.Reason);
    }

    [Fact]
    public void A_passed_unix_socket_on_another_path_is_refused()
    {
        string path = SocketPath("other.sock");
        using var unix = ListeningSocketFactory.Bind(ListenerSpec.Parse($"http=unix://{path}"));
        var fd = Copy(unix);

        var e = Assert.Throws<PassedSocketMismatchException>(() => PassedSocketCheck.Adopt(ListenerSpec.Parse($"http=unix://{_dir}/http.sock"), fd));

        Assert.Equal($"is bound to {path}, listener http=unix://{_dir}/http.sock wants {_dir}/http.sock", e.Reason);
        Assert.True(fd.IsClosed); // found after the hand-over to a Socket: closed there
    }

    // A copy of our own, as systemd's would arrive; the SafeFd owns it.
    private static SafeFd Copy(Socket socket) => new(TestDescriptors.DuplicateConsecutively(socket.SafeHandle));
}
