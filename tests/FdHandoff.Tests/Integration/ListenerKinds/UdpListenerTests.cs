using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.ListenerKinds;

/// <summary>udp:// listeners: one datagram socket shared by every worker, echoed through upgrades without a loss.</summary>
public sealed class UdpListenerTests
{
    // One datagram every 2 ms: far below what one echo worker answers, so a missing id is a loss, not a backlog.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(2);

    private static SupervisorOptions Options(int port, int workers = 2) => new()
    {
        Workers = workers,
        Listeners = new()
        {
            ["dgram"] = $"udp://127.0.0.1:{port}",
            ["dgram6"] = $"udp://[::1]:{port}",
        },
    };

    [Fact]
    public async Task Datagrams_to_a_handed_off_udp_socket_are_answered_over_IPv4_and_IPv6()
    {
        int port = FreePort.NextUdp();
        await using var supervisor = SupervisorProcess.Start(Options(port));
        await supervisor.WaitServingAsync();

        await using var v4 = DatagramLoad.Start(new IPEndPoint(IPAddress.Loopback, port), Interval);
        await using var v6 = DatagramLoad.Start(new IPEndPoint(IPAddress.IPv6Loopback, port), Interval);
        await v4.WaitForMoreAnswersAsync(100, TimeSpan.FromSeconds(30));
        await v6.WaitForMoreAnswersAsync(100, TimeSpan.FromSeconds(30));
        var r4 = await v4.StopAsync(TimeSpan.FromSeconds(10));
        var r6 = await v6.StopAsync(TimeSpan.FromSeconds(10));

        Assert.Empty(r4.Missing);
        Assert.Empty(r6.Missing);
        Assert.Equal(0, r4.Unexpected + r6.Unexpected);
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.IsListenerReport("dgram", $"udp://127.0.0.1:{port}", "Udp", 17, "DatagramEchoService")).Count);
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.IsListenerReport("dgram6", $"udp://[::1]:{port}", "Udp", 17, "DatagramEchoService")).Count);
    }

    [Fact]
    public async Task Upgrades_under_udp_load_lose_no_datagram()
    {
        int port = FreePort.NextUdp();
        await using var supervisor = SupervisorProcess.Start(Options(port));
        await supervisor.WaitServingAsync();

        await using var load = DatagramLoad.Start(new IPEndPoint(IPAddress.Loopback, port), Interval);
        await load.WaitForMoreAnswersAsync(200, TimeSpan.FromSeconds(30));
        for (int generation = 2; generation <= 4; generation++)
        {
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
            await load.WaitForMoreAnswersAsync(200, TimeSpan.FromSeconds(30));
            await supervisor.WaitOldGenerationsGoneAsync(generation, TimeSpan.FromSeconds(30));
        }
        await load.WaitForMoreAnswersAsync(200, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync(TimeSpan.FromSeconds(10));

        Assert.True(result.Missing.Count == 0, $"sent {result.Sent}, answered {result.Answered}, never answered: {string.Join(",", result.Missing.Take(20))}\n{supervisor.Log}");
        Assert.Equal(0, result.Unexpected);
        // Every retired worker stopped reading at its drain, and said so: the socket went on with the next generation.
        var retired = supervisor.SpawnedWorkers().Where(w => w.Generation < 4).ToList();
        foreach (var (pid, _) in retired)
            Assert.Single(supervisor.Log.All(LogEvents.DatagramEchoStopped, e => e.Program == "fdhandoff-worker" && e.Pid == pid && e.String("Listener") == "dgram" && e.String("Reason") == "drain"));
    }
}
