using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Systemd;

/// <summary>
/// Adoption of the new kinds from socket activation (activate.py plays systemd): a ListenDatagram= socket for
/// udp, a unix ListenStream= path, a SocketProtocol=mptcp stream; each matched by name, type and address.
/// </summary>
public sealed class ListenerKindsActivationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fdh-activate-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Udp_unix_and_mptcp_sockets_passed_by_systemd_are_adopted_by_name_and_served()
    {
        int dgram = FreePort.NextUdp(), web = FreePort.Next();
        string http = Path.Combine(_dir, "http.sock");
        var options = new SupervisorOptions
        {
            Listeners = new()
            {
                ["dgram"] = $"udp://127.0.0.1:{dgram}",
                ["httpu"] = $"unix://{http}",
                ["httpm"] = $"mptcp://127.0.0.1:{web}",
            },
        };
        await using var supervisor = SupervisorProcess.Start(options, SocketActivation.Launcher($"dgram=udp:127.0.0.1:{dgram}", $"httpu=unix:{http}", $"httpm=mptcp:127.0.0.1:{web}"), null);
        await supervisor.WaitServingAsync();

        await using var datagrams = DatagramLoad.Start(new IPEndPoint(IPAddress.Loopback, dgram), TimeSpan.FromMilliseconds(5));
        await datagrams.WaitForMoreAnswersAsync(20, TimeSpan.FromSeconds(30));
        var answered = await datagrams.StopAsync(TimeSpan.FromSeconds(10));
        var overUnix = await RawHttp.GetOnceAsync(new UnixDomainSocketEndPoint(http), null);
        var overMptcp = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, web), MptcpClient.For(AddressFamily.InterNetwork));

        Assert.Single(supervisor.Log.All(LogEvents.ListenerAdopted, e => e.String("Listener") == "dgram" && e.String("Address") == $"udp://127.0.0.1:{dgram}" && e.Int("Fd") == 3));
        Assert.Single(supervisor.Log.All(LogEvents.ListenerAdopted, e => e.String("Listener") == "httpu" && e.String("Address") == $"unix://{http}" && e.Int("Fd") == 4));
        Assert.Single(supervisor.Log.All(LogEvents.ListenerAdopted, e => e.String("Listener") == "httpm" && e.String("Address") == $"mptcp://127.0.0.1:{web}" && e.Int("Fd") == 5));
        Assert.Empty(answered.Missing);
        Assert.Equal(200, overUnix.Status);
        Assert.Equal(200, overMptcp.Status);
        Assert.All(supervisor.Status().Listeners, l => Assert.Equal("systemd", l.Origin));

        supervisor.Signal(Native.SIGTERM);
        await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(File.Exists(http)); // the socket unit's path: systemd's to remove, not ours
    }

    [Fact]
    public async Task A_stream_socket_passed_for_a_udp_listener_is_refused_with_one_line()
    {
        int port = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["dgram"] = $"udp://127.0.0.1:{port}" } };

        string refusal = await SocketActivation.RefusalAsync(options, $"dgram=127.0.0.1:{port}");

        Assert.Equal(
            $"fdhandoff: systemd passed fd 3 named 'dgram' is not a datagram socket (SO_TYPE 1; ListenDatagram= expected for listener dgram=udp://127.0.0.1:{port}): make FileDescriptorName=dgram in the .socket unit and Listeners:dgram = udp://127.0.0.1:{port} agree",
            refusal);
    }

    [Fact]
    public async Task A_plain_tcp_socket_passed_for_an_mptcp_listener_is_refused_with_one_line()
    {
        int port = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["web"] = $"mptcp://127.0.0.1:{port}" } };

        string refusal = await SocketActivation.RefusalAsync(options, $"web=tcp:127.0.0.1:{port}");

        Assert.Equal(
            $"fdhandoff: systemd passed fd 3 named 'web' is protocol 6, listener web=mptcp://127.0.0.1:{port} needs 262 (SocketProtocol=mptcp in the .socket unit; a systemd without it: no unit, fdhandoff binds it): make FileDescriptorName=web in the .socket unit and Listeners:web = mptcp://127.0.0.1:{port} agree",
            refusal);
    }

    [Fact]
    public async Task A_unix_socket_passed_on_another_path_is_refused_with_one_line()
    {
        string wanted = Path.Combine(_dir, "http.sock"), passed = Path.Combine(_dir, "other.sock");
        var options = new SupervisorOptions { Listeners = new() { ["httpu"] = $"unix://{wanted}" } };

        string refusal = await SocketActivation.RefusalAsync(options, $"httpu=unix:{passed}");

        Assert.Equal(
            $"fdhandoff: systemd passed fd 3 named 'httpu' is bound to {passed}, listener httpu=unix://{wanted} wants {wanted}: make FileDescriptorName=httpu in the .socket unit and Listeners:httpu = unix://{wanted} agree",
            refusal);
    }
}
