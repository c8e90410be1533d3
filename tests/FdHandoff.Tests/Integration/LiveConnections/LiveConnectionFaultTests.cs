using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.LiveConnections;

/// <summary>
/// Established-connection hand-over under faults, with what happens to every connection (docs/live-connections.md).
/// The workers are tests/FaultWorker: the real worker's services plus the fault a file asks for.
/// </summary>
public sealed class LiveConnectionFaultTests : IDisposable
{
    private const int Connections = 10;
    private readonly string _faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_connection_whose_receiving_worker_dies_before_taking_it_goes_to_another_worker()
    {
        await using var supervisor = SupervisorProcess.Start(Options(out int counter));
        await supervisor.WaitServingAsync();
        var connections = await OpenAsync(counter);

        // Generation 2's slot 0 asks for connections and never takes one: the supervisor keeps those in transit.
        File.WriteAllText(_faultFile, "hold-connections");
        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        int holder = (await supervisor.Log.WaitForEventAsync(LogEvents.FaultHoldsConnections, TimeSpan.FromSeconds(30))).Int("WorkerPid");
        await WaitUntilAsync(() => supervisor.Status().LastHandOver!.InTransit == Connections / 2, () => $"half the connections in transit to the holder\n{supervisor.Log}");
        File.Delete(_faultFile); // the slot's restart after the kill serves normally
        Native.Kill(holder, Native.SIGKILL);
        await supervisor.Log.WaitForEventAsync(LogEvents.ConnectionsOrphaned, e => e.IsAbout(holder, 2) && e.Int("ConnectionCount") == Connections / 2, TimeSpan.FromSeconds(30));

        // Every connection goes on where it was: the held ones now in the other worker of generation 2.
        foreach (var (c, i) in connections.Select((c, i) => (c, i)))
            Assert.Equal(2, await c.ExchangeAsync($"c{i}-after"));
        await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1 && e.Int("ConnectionsMoved") == Connections
            && e.Int("Generation") == 2 && e.Int("ConnectionsKept") == 0 && e.Int("ConnectionsClosed") == 0, TimeSpan.FromSeconds(30));
        Assert.Equal(0, supervisor.Status().LastHandOver!.InTransit);
        foreach (var c in connections) c.Dispose();
    }

    [Fact]
    public async Task A_worker_killed_in_the_middle_of_handing_over_leaves_what_it_handed_running_and_the_rest_closed()
    {
        File.WriteAllText(_faultFile, "hand-over-one-then-hang");
        await using var supervisor = SupervisorProcess.Start(Options(out int counter) with { Workers = 1 });
        await supervisor.WaitServingAsync();
        var connections = await OpenAsync(counter);
        File.Delete(_faultFile); // generation 2 serves normally

        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        int handing = (await supervisor.Log.WaitForEventAsync(LogEvents.FaultHandedOverOne, e => e.Bool("Taken"), TimeSpan.FromSeconds(30))).Int("WorkerPid");
        Native.Kill(handing, Native.SIGKILL);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerGone, e => e.IsAbout(handing, 1), TimeSpan.FromSeconds(30));

        // The one it handed over goes on with its count; the kernel closed the others with the process.
        var continued = new List<int>();
        var closed = new List<int>();
        foreach (var (c, i) in connections.Select((c, i) => (c, i)))
        {
            try
            {
                Assert.Equal(2, await c.ExchangeAsync($"c{i}-after"));
                continued.Add(i);
            }
            catch (Exception e) when (e is EndOfStreamException or SocketException or IOException)
            {
                closed.Add(i);
            }
        }
        Assert.Single(continued);
        Assert.Equal(Connections - 1, closed.Count);
        await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1 && e.Int("ConnectionsMoved") == 1 && e.Int("Generation") == 2, TimeSpan.FromSeconds(30));
        foreach (var c in connections) c.Dispose();
    }

    [Fact]
    public async Task A_new_generation_that_fails_its_readiness_takes_no_connection_and_the_old_one_keeps_serving_them()
    {
        await using var supervisor = SupervisorProcess.Start(Options(out int counter) with { ReadyTimeout = TimeSpan.FromSeconds(8) });
        await supervisor.WaitServingAsync();
        var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToHashSet();
        var connections = await OpenAsync(counter);

        File.WriteAllText(_faultFile, "never-ready");
        var upgrade = await supervisor.UpgradeAsync();
        foreach (var (pid, _) in supervisor.SpawnedWorkers().Where(w => w.Generation == 2))
            await supervisor.WaitWorkerGoneAsync(pid, TimeSpan.FromSeconds(30));

        Assert.Equal(1, upgrade.ExitCode);
        foreach (var (c, i) in connections.Select((c, i) => (c, i)))
            Assert.Equal(2, await c.ExchangeAsync($"c{i}-after"));
        var status = supervisor.Status();
        Assert.Equal(generation1, status.Workers.Select(w => w.Pid).ToHashSet());
        Assert.Equal(0, status.LastHandOver!.RetiredGeneration);
        Assert.Empty(supervisor.Log.All(LogEvents.Draining, e => e.Int("Generation") == 1));
        foreach (var c in connections) c.Dispose();
    }

    [Fact]
    public async Task A_worker_of_the_serving_generation_cannot_hand_a_connection_over()
    {
        File.WriteAllText(_faultFile, "hand-over-while-serving");
        await using var supervisor = SupervisorProcess.Start(Options(out _) with { Workers = 1 });
        await supervisor.WaitServingAsync();

        var heard = await supervisor.Log.WaitForEventAsync(LogEvents.FaultHandOverAnswered, TimeSpan.FromSeconds(30));
        int pid = heard.Int("WorkerPid");

        Assert.False(heard.Bool("Taken"));
        Assert.Contains("generation 1 serves: only a retiring worker hands connections over", heard.String("Reason"));
        await supervisor.Log.WaitForEventAsync(LogEvents.HandOverRefused,
            e => e.IsAbout(pid, 1) && e.String("Listener") == "counter" && e.String("Reason").StartsWith("generation 1 serves", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var status = supervisor.Status();
        Assert.Equal(0, status.LastHandOver!.InTransit);
        Assert.Equal(pid, Assert.Single(status.Workers).Pid); // refused, not killed: it goes on serving
    }

    private SupervisorOptions Options(out int counter)
    {
        counter = FreePort.Next();
        return new SupervisorOptions
        {
            Listeners = new() { ["counter"] = $"tcp://127.0.0.1:{counter}" },
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = _faultFile },
        };
    }

    /// <summary>Connections that have each exchanged one line (n = 1) with generation 1.</summary>
    private static async Task<List<LineCounterConnection>> OpenAsync(int counter)
    {
        var connections = new List<LineCounterConnection>();
        for (int i = 0; i < Connections; i++)
        {
            var c = await LineCounterConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, counter));
            Assert.Equal(1, await c.ExchangeAsync($"c{i}-before"));
            connections.Add(c);
        }
        return connections;
    }

    /// <summary>Waits for a condition read from the supervisor's status (no event says it), up to 30 s.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> what)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached in 30 s: {what()}");
            await tick.WaitForNextTickAsync();
        }
    }

    public void Dispose() => File.Delete(_faultFile);
}
