using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.ListenerKinds;

/// <summary>mptcp:// listeners: MPTCP sockets (read back as protocol 262 in the workers), served like TCP, through upgrades.</summary>
public sealed class MptcpListenerTests
{
    private static SupervisorOptions Options(int http, int echo) => new()
    {
        Listeners = new()
        {
            ["httpm"] = $"mptcp://127.0.0.1:{http}",
            ["echom"] = $"mptcp://[::1]:{echo}",
        },
    };

    [Fact]
    public async Task Mptcp_listeners_serve_http_and_echo_to_mptcp_clients_and_the_workers_read_back_IPPROTO_MPTCP()
    {
        int http = FreePort.Next(), echo = FreePort.Next();
        await using var supervisor = SupervisorProcess.Start(Options(http, echo));
        await supervisor.WaitServingAsync();

        var response = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http), MptcpClient.For(AddressFamily.InterNetwork));
        string echoed = await Echo.RoundTripAsync(new IPEndPoint(IPAddress.IPv6Loopback, echo), "multipath\n", MptcpClient.For(AddressFamily.InterNetworkV6));

        Assert.Equal(200, response.Status);
        Assert.Equal("multipath\n", echoed);
        // SO_PROTOCOL of the descriptor each worker received: the kernel's word that it is MPTCP, not TCP.
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.IsListenerReport("httpm", $"mptcp://127.0.0.1:{http}", "Mptcp", 262, "Kestrel")).Count);
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.IsListenerReport("echom", $"mptcp://[::1]:{echo}", "Mptcp", 262, "EchoProtocol")).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upgrades_under_mptcp_load_fail_no_request(bool keepAlive)
    {
        int http = FreePort.Next(), echo = FreePort.Next();
        await using var supervisor = SupervisorProcess.Start(Options(http, echo));
        await supervisor.WaitServingAsync();

        await UpgradesUnderLoad.AssertNoRequestFailsAsync(supervisor, new IPEndPoint(IPAddress.Loopback, http), keepAlive, MptcpClient.For(AddressFamily.InterNetwork));
    }

    [Fact]
    public async Task MPTCP_switched_off_gives_one_line_naming_the_sysctl_and_exit_1()
    {
        int http = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["web"] = $"mptcp://127.0.0.1:{http}" } };
        // A network namespace of its own, where net.mptcp.enabled can be 0 without touching the host's.
        string[] mptcpOff = ["unshare", "--net", "sh", "-c", "sysctl -qw net.mptcp.enabled=0 && ip link set lo up && exec \"$0\" \"$@\""];

        await using var supervisor = SupervisorProcess.Start(options, mptcpOff, null);
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, code);
        Assert.Equal(
            $"fdhandoff: cannot create MPTCP listener web=mptcp://127.0.0.1:{http}: MPTCP is switched off on this host (sysctl net.mptcp.enabled = 0); turn it on (sysctl -w net.mptcp.enabled=1, and a file in /etc/sysctl.d to keep it) or use tcp:// in Listeners:web",
            Assert.Single(supervisor.Log.Lines));
    }
}
