using System.Net;
using System.Net.Sockets;
using System.Text;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.LiveConnections;

/// <summary>Established connections move to the new generation with their state instead of being cut (issue 10).</summary>
public sealed class LiveConnectionTests
{
    private const int Connections = 200;
    // bench/live-connections.sh runs the long form (1,000 connections through many upgrades; 3 in CI's live smoke, NativeAOT).
    private const int Upgrades = 5;

    [Fact]
    public async Task Two_hundred_counter_connections_keep_their_count_through_five_upgrades()
    {
        var options = WithCounter(out int counter);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var descriptorsBefore = supervisor.OpenDescriptors();

        // Lines every 20 ms per connection, a fifth of them split in two with a pause: partial lines cross hand-overs.
        await using var load = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), Connections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(20), SplitProbability = 0.2, Reconnect = false, Seed = 10 });
        await load.WaitForMoreLinesAsync(Connections * 2, TimeSpan.FromSeconds(60));
        for (int generation = 2; generation <= Upgrades + 1; generation++)
        {
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
            await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == generation - 1, TimeSpan.FromSeconds(60));
            await load.WaitForMoreLinesAsync(Connections, TimeSpan.FromSeconds(60));
        }
        // Each worker reports its open connections (at most every 250 ms): status adds up to every client.
        int open = await OpenConnectionsSettledAsync(supervisor, Connections);
        var result = await load.StopAsync();

        Assert.True(result.Clean, $"{result}\n{supervisor.Log}");
        Assert.Equal(Connections, result.ConnectionsOpened);
        Assert.Equal(Connections, open);
        // Every copy the supervisor held in transit is closed: its descriptors are what they were before.
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
        Assert.True(result.LinesSplit > 0, result.ToString());
        // Every generation handed every connection on; none was kept back or closed by the supervisor.
        var retired = supervisor.Log.All(LogEvents.GenerationRetired);
        Assert.Equal(Upgrades, retired.Count);
        Assert.All(retired, e => Assert.Equal((Connections, 0, 0), (e.Int("ConnectionsMoved"), e.Int("ConnectionsKept"), e.Int("ConnectionsClosed"))));
        var status = supervisor.Status();
        Assert.Equal(Upgrades, status.LastHandOver!.RetiredGeneration);
        Assert.Equal(Connections, status.LastHandOver.Moved);
        Assert.Equal(0, status.LastHandOver.InTransit);
        // Spread evenly over the serving workers.
        Assert.All(status.Workers, w => Assert.Equal(Connections / options.Workers, w.ConnectionsReceived));
    }

    [Fact]
    public async Task An_echo_client_exchanging_a_line_every_100_ms_is_not_cut_by_upgrades()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out int echo);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, echo));

        using var stop = new CancellationTokenSource();
        var exchanges = ExchangeEvery100MsAsync(client, stop.Token);
        for (int generation = 2; generation <= 4; generation++)
        {
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
            // The retirement line comes once every old worker has exited: waiting for it waits for those too.
            await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == generation - 1, TimeSpan.FromSeconds(30));
        }
        stop.Cancel();
        int echoed = await exchanges;

        Assert.True(echoed > 0);
        Assert.Equal(3, supervisor.Log.All(LogEvents.GenerationRetired, e => e.Int("ConnectionsMoved") == 1).Count);
    }

    [Fact]
    public async Task Stopping_the_supervisor_closes_every_long_lived_connection_in_order_and_leaves_no_worker()
    {
        var options = WithCounter(out int counter);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var connections = new List<LineCounterConnection>();
        for (int i = 0; i < 20; i++)
        {
            var c = await LineCounterConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, counter));
            await c.ExchangeAsync($"c{i}-first");
            connections.Add(c);
        }
        // Half of them hold a partial line the worker has read: it is lost with the connection, never answered twice.
        foreach (var c in connections.Take(10)) await c.SendAsync("partial");

        var upgrade = supervisor.UpgradeAsync();
        await supervisor.Log.WaitForEventAsync(LogEvents.Draining, e => e.Int("Generation") == 1, TimeSpan.FromSeconds(60));
        supervisor.Signal(Native.SIGTERM);
        int exit = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));
        await upgrade;

        Assert.Equal(0, exit);
        foreach (var c in connections)
        {
            // FIN, not RST: the worker closed its side in order, and nothing answered the partial line.
            var buffer = new byte[64];
            int n = await c.Socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, n);
            c.Dispose();
        }
        Assert.All(supervisor.SpawnedWorkers(), w => Assert.False(Native.IsAlive(w.Pid, "fdhandoff-worker"), $"worker {w.Pid} left running"));
        Assert.Empty(supervisor.Log.All(LogEvents.GenerationRetired, e => e.Int("ConnectionsClosed") != 0));
    }

    /// <summary>The sum of the workers' reported connections once it reaches <paramref name="expected"/> (or what it is after 10 s).</summary>
    private static async Task<int> OpenConnectionsSettledAsync(SupervisorProcess supervisor, int expected)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int open;
        while ((open = supervisor.Status().Workers.Sum(w => Math.Max(0, w.Connections))) != expected && DateTime.UtcNow < deadline)
            await tick.WaitForNextTickAsync();
        return open;
    }

    private static SupervisorOptions WithCounter(out int counter)
    {
        int http = FreePort.Next();
        counter = FreePort.Next();
        return new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["counter"] = $"tcp://127.0.0.1:{counter}" },
        };
    }

    /// <summary>One line every 100 ms, each echoed before the next is sent; returns how many, throws on a cut.</summary>
    private static async Task<int> ExchangeEvery100MsAsync(Socket client, CancellationToken stop)
    {
        int count = 0;
        var buffer = new byte[256];
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await WaitTickAsync(tick, stop))
        {
            var line = Encoding.ASCII.GetBytes($"line {count}\n");
            await client.SendAsync(line, SocketFlags.None);
            int got = 0;
            while (got < line.Length)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(got), SocketFlags.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                if (n == 0) throw new IOException($"echo connection closed after {count} lines");
                got += n;
            }
            Assert.Equal(line, buffer[..got]);
            count++;
        }
        return count;
    }

    private static async Task<bool> WaitTickAsync(PeriodicTimer tick, CancellationToken stop)
    {
        try { return await tick.WaitForNextTickAsync(stop); }
        catch (OperationCanceledException) { return false; }
    }
}
