using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Listeners;
using FdHandoff.Sockets;
using FdHandoff.Tests.Integration;
using FdHandoff.Tests.Systemd;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit;

/// <summary>The listening-socket factory and the check of passed sockets, on real sockets of this process.</summary>
[Collection(nameof(SerialCollection))]
public sealed class ListeningSocketFactoryTests
{
    // Port 0 (any free port) is for tests only: the parser, rightly, refuses it in a configuration.
    private static ListenerSpec Spec(string name, ListenerTransport transport, IPAddress address, int port) =>
        new(name, transport, [address], port);

    [Fact]
    public void A_bound_listener_is_a_listening_cloexec_socket_on_the_spec_address()
    {
        using var socket = ListeningSocketFactory.Bind(Spec("http", ListenerTransport.Tcp, IPAddress.Loopback, 0));

        Assert.True(SocketProbe.IsListening(socket.SafeHandle));
        Assert.True(SocketProbe.IsCloseOnExec((int)socket.Handle));
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)socket.LocalEndPoint!).Address);
    }

    [Fact]
    public void A_port_in_use_is_an_AddressInUseException_carrying_EADDRINUSE()
    {
        using var holder = ListeningSocketFactory.Bind(Spec("a", ListenerTransport.Tcp, IPAddress.Loopback, 0));
        int port = ((IPEndPoint)holder.LocalEndPoint!).Port;

        var e = Assert.Throws<AddressInUseException>(() => ListeningSocketFactory.Bind(ListenerSpec.Parse($"b=tcp://127.0.0.1:{port}")));

        Assert.Equal(Libc.EADDRINUSE, e.Errno);
        Assert.Equal($"bind 127.0.0.1:{port}", e.Attempted);
    }

    [Fact]
    public void An_address_of_no_interface_is_an_AddressNotAvailableException()
    {
        // 192.0.2.0/24 is TEST-NET-1: documentation only, never configured on a host.
        var e = Assert.Throws<AddressNotAvailableException>(() => ListeningSocketFactory.Bind(Spec("x", ListenerTransport.Tcp, IPAddress.Parse("192.0.2.1"), 0)));

        Assert.Equal(Libc.EADDRNOTAVAIL, e.Errno);
    }

    [NoSctpFact]
    public void SCTP_on_a_kernel_without_it_is_a_ProtocolUnavailableException()
    {
        var e = Assert.Throws<ProtocolUnavailableException>(() => ListeningSocketFactory.Bind(Spec("d", ListenerTransport.Sctp, IPAddress.Loopback, 0)));

        Assert.Equal("socket()", e.Attempted);
    }

    [Fact]
    public void A_passed_socket_that_is_not_listening_is_refused_and_stays_with_the_caller()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var fd = new SafeFd((int)socket.Handle);
        try
        {
            var e = Assert.Throws<PassedSocketMismatchException>(() => PassedSocketCheck.Adopt(ListenerSpec.Parse("http=tcp://127.0.0.1:8080"), fd));

            Assert.Equal("is not listening (ListenStream= expected)", e.Reason);
            Assert.False(fd.IsClosed);
        }
        finally
        {
            fd.Release(); // the Socket owns the descriptor; this SafeFd only borrowed its number
        }
    }

    [Fact]
    public void A_passed_socket_that_matches_is_taken_as_a_socket_on_its_address()
    {
        using var made = ListeningSocketFactory.Bind(Spec("http", ListenerTransport.Tcp, IPAddress.Loopback, 0));
        int port = ((IPEndPoint)made.LocalEndPoint!).Port;
        // A copy of our own, as systemd's would arrive; the SafeFd owns it.
        var fd = new SafeFd(TestDescriptors.DuplicateConsecutively(made.SafeHandle));

        using var adopted = PassedSocketCheck.Adopt(ListenerSpec.Parse($"http=tcp://127.0.0.1:{port}"), fd);

        Assert.Equal(port, ((IPEndPoint)adopted.LocalEndPoint!).Port);
        Assert.True(fd.IsClosed); // released to the adopted Socket
    }

    [Fact]
    public void A_passed_socket_systemd_made_blocking_is_non_blocking_again_for_every_holder()
    {
        using var made = ListeningSocketFactory.Bind(Spec("http", ListenerTransport.Tcp, IPAddress.Loopback, 0));
        int port = ((IPEndPoint)made.LocalEndPoint!).Port;
        int original = (int)made.SafeHandle.DangerousGetHandle();
        // What systemd does at each start with NonBlocking=no: O_NONBLOCK cleared on the socket, for all its holders.
        Assert.True(Libc.fcntl(original, Libc.F_SETFL, Libc.fcntl(original, Libc.F_GETFL, 0) & ~Libc.O_NONBLOCK) == 0);
        Assert.False(SocketProbe.IsNonBlocking(original));
        var fd = new SafeFd(TestDescriptors.DuplicateConsecutively(made.SafeHandle));

        using var adopted = PassedSocketCheck.Adopt(ListenerSpec.Parse($"http=tcp://127.0.0.1:{port}"), fd);

        // Set on the open file description: the copy held elsewhere (here the original, in a worker the same) sees it.
        Assert.True(SocketProbe.IsNonBlocking(original));
    }
}
