using System.Net;
using FdHandoff.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FdHandoff.Tests.Integration.Resilience;

/// <summary>
/// <c>kill -9</c> of the supervisor in the middle of a change (issue 21, faults): a new generation starting, a re-exec
/// trying the new binary. The supervisor started again adopts the workers; each ends with one generation serving, no
/// request or counter line lost, and nothing left of the change.
/// </summary>
public sealed class CrashMidChangeTests(ITestOutputHelper output) : IDisposable
{
    private const int Connections = 50;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
    private readonly string _trialStarted = Path.Combine(Path.GetTempPath(), $"fdh-trial-{Guid.NewGuid():N}");

    [Fact]
    public async Task Killed_while_a_new_generation_starts_the_old_generation_serves_on_the_new_one_ends_and_the_next_upgrade_moves_every_connection()
    {
        var options = WithHttpAndCounter(out int http, out int counter) with
        {
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = _faultFile },
        };
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var generation1 = first.Status().Workers.Select(w => w.Pid).Order().ToList();
        await using var probe = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
        await using var lines = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), Connections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(20), SplitProbability = 0.2, Reconnect = false, Seed = 211 });
        await lines.WaitForMoreLinesAsync(Connections * 2, Wait);
        // Nothing of the cut upgrade may stay behind: after the next upgrade, the adopter holds what the first held then.
        var descriptorsBefore = first.OpenDescriptors();

        // Generation 2 takes its listeners and never says ready: the upgrade is in progress for as long as we like.
        File.WriteAllText(_faultFile, "never-ready generation=2");
        var upgrade = first.UpgradeAsync();
        await first.Log.WaitForEventAsync(LogEvents.HandedOff, e => e.Int("Generation") == 2, Wait);
        var generation2 = first.SpawnedWorkers().Where(w => w.Generation == 2).Select(w => w.Pid).ToList();
        await first.WaitStateSavedAsync(generation1.Concat(generation2), Wait);
        first.Signal(Native.SIGKILL);
        Assert.True(await Native.WaitForExitAsync(first.Pid, Wait));
        var asked = await upgrade;

        await using var second = first.StartSuccessor();
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);
        var ended = await Task.WhenAll(generation2.Select(pid => Native.WaitForExitAsync(pid, Wait)));
        var status = second.Status();
        await probe.WaitForMoreSuccessesAsync(100, Wait);
        File.Delete(_faultFile);
        var next = await second.UpgradeAsync();
        var retired = await second.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1, Wait);
        await lines.WaitForMoreLinesAsync(Connections, Wait);
        var descriptorsAfter = second.OpenDescriptors();
        var http1 = await probe.StopAsync();
        var counted = await lines.StopAsync();
        output.WriteLine($"upgrade cut by the kill: exit {asked.ExitCode} {asked.Stderr.Trim()}; probe {http1}; lines {counted}");

        Assert.NotEqual(0, asked.ExitCode);
        Assert.Equal(1, adopted.Int("Generation"));
        Assert.Equal(1, status.Generation);
        Assert.True(generation1.SequenceEqual(status.Workers.Select(w => w.Pid).Order()),
            $"generation 1 {string.Join(", ", generation1)}, generation 2 {string.Join(", ", generation2)}; status lists {string.Join(", ", status.Workers.Select(w => $"{w.Pid} (generation {w.Generation}, {w.State})"))}\n{second.Log}");
        Assert.All(ended, Assert.True);
        Assert.True(next.ExitCode == 0, next.Stderr);
        Assert.True(http1.Failed == 0, http1.ToString());
        Assert.True(counted.Clean, $"{counted}\n{second.Log}");
        Assert.Equal(Connections, retired.Int("ConnectionsMoved"));
        Assert.True(descriptorsBefore.SequenceEqual(descriptorsAfter),
            $"before the upgrade: {string.Join(", ", descriptorsBefore)}\nafter adoption and the next upgrade: {string.Join(", ", descriptorsAfter)}");
    }

    [Fact]
    public async Task Killed_while_a_reexec_tries_the_new_binary_the_supervisor_started_again_adopts_every_worker_and_the_trial_ends()
    {
        using var copy = SupervisorCopy.Make();
        var options = WithHttpAndCounter(out int http, out int counter) with { Executable = copy.Executable };
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var workers = first.Status().Workers.Select(w => w.Pid).Order().ToList();
        await first.WaitStateSavedAsync(workers, Wait);
        await using var probe = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
        await using var lines = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), Connections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(20), SplitProbability = 0.2, Reconnect = false, Seed = 212 });
        await lines.WaitForMoreLinesAsync(Connections * 2, Wait);

        // A new binary that takes its time to answer the trial; it writes to the pipe the supervisor reads, so it ends
        // (SIGPIPE) once the supervisor is gone, as a real one ends on its closed standard input.
        copy.Replace($"#!/bin/sh\ncat > /dev/null\ntouch {_trialStarted}\nwhile echo waiting; do sleep 0.1; done\n");
        var reexec = first.ReexecAsync();
        await WaitForFileAsync(_trialStarted);
        first.Signal(Native.SIGKILL);
        Assert.True(await Native.WaitForExitAsync(first.Pid, Wait));
        var asked = await reexec;
        copy.Restore();

        await using var second = first.StartSuccessor();
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);
        var status = second.Status();
        await probe.WaitForMoreSuccessesAsync(100, Wait);
        await lines.WaitForMoreLinesAsync(Connections, Wait);
        var again = await second.ReexecAsync();
        await lines.WaitForMoreLinesAsync(Connections, Wait);
        var http1 = await probe.StopAsync();
        var counted = await lines.StopAsync();
        output.WriteLine($"re-exec cut by the kill: exit {asked.ExitCode} {asked.Stderr.Trim()}; probe {http1}; lines {counted}");

        Assert.NotEqual(0, asked.ExitCode);
        Assert.Equal(workers.Count, adopted.Int("Reattached"));
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).Order());
        Assert.True(again.ExitCode == 0, again.Stderr);
        // The trial the dead supervisor started is gone with it (this test's copy: other tests run trials of their own).
        Assert.Empty(Native.ProcessesWithArguments(copy.Executable, "--fdhandoff-reexec-check"));
        Assert.True(http1.Failed == 0, http1.ToString());
        Assert.True(counted.Clean, $"{counted}\n{second.Log}");
        Assert.Equal(Connections, counted.ConnectionsOpened);
    }

    [Fact]
    public async Task Killed_with_connections_in_transit_each_ends_with_one_owner_and_the_senders_finish_their_drain()
    {
        const int InTransitTest = 20;
        var options = WithHttpAndCounter(out _, out int counter) with
        {
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = _faultFile },
        };
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var generation1 = first.Status().Workers.Select(w => w.Pid).ToList();
        var connections = new List<LineCounterConnection>();
        for (int i = 0; i < InTransitTest; i++)
        {
            var c = await LineCounterConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, counter));
            Assert.Equal(1, await c.ExchangeAsync($"c{i}-before"));
            connections.Add(c);
        }

        // Generation 2's slot 0 asks for connections and never takes one: half of them stay in transit, their
        // senders waiting for an answer, when the supervisor dies.
        File.WriteAllText(_faultFile, "hold-connections generation=2 slot=0");
        var upgrade = await first.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        int holder = (await first.Log.WaitForEventAsync(LogEvents.FaultHoldsConnections, Wait)).Int("WorkerPid");
        await WaitUntilAsync(() => first.Status().LastHandOver!.InTransit == InTransitTest / 2, () => $"half the connections in transit to the holder\n{first.Log}");
        var generation2 = first.SpawnedWorkers().Where(w => w.Generation == 2).Select(w => w.Pid).ToList();
        await first.WaitStateSavedAsync(generation1.Concat(generation2), Wait);
        first.Signal(Native.SIGKILL);
        Assert.True(await Native.WaitForExitAsync(first.Pid, Wait));

        await using var second = first.StartSuccessor();
        var starting = await second.Log.WaitForEventAsync(LogEvents.AdoptionStarting, _ => true, Wait);
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);
        var adoptedPids = second.Status().Workers.Select(w => w.Pid).ToHashSet();
        // The senders learn that the holder has each (its socket inode is among those handed to it): they close their
        // copies and end their drain, rather than keep a second owner of a connection.
        var sendersGone = await Task.WhenAll(generation1.Select(pid => Native.WaitForExitAsync(pid, Wait)));
        var continued = 0;
        foreach (var (c, i) in connections.Select((c, i) => (c, i)))
        {
            try
            {
                using var answer = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                if (await c.ExchangeAsync($"c{i}-after").WaitAsync(answer.Token) == 2) continued++;
            }
            catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or OperationCanceledException or TimeoutException)
            {
            }
        }
        // The held half lives only in the holder now (the copies the dead supervisor kept died with it): killed, they end.
        Native.Kill(holder, Native.SIGKILL);
        foreach (var c in connections) c.Dispose();
        output.WriteLine($"in transit at the kill: {InTransitTest / 2}; continued with generation 2's other worker: {continued}");

        Assert.True(adopted.Int("Generation") == 2, $"{adopted.Line}\n{first.Log}\n{second.Log}");
        // Every worker still running is adopted. A sender of generation 1 whose connections were all taken before the kill
        // may have ended its drain already; both of generation 2 (the holder, and the one that took the rest) run.
        Assert.True(adopted.Int("NotBack") == 0 && generation2.All(adoptedPids.Contains),
            $"{starting.Line}; {adopted.Line}; generation 1 {string.Join(", ", generation1)}, generation 2 {string.Join(", ", generation2)}\n{second.Log}");
        Assert.All(sendersGone, Assert.True);
        Assert.Equal(InTransitTest / 2, continued);
    }

    /// <summary>Waits for a condition read from the supervisor's status (no event says it), up to 60 s.</summary>
    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> what)
    {
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not reached in {Wait.TotalSeconds:0} s: {what()}");
            await tick.WaitForNextTickAsync();
        }
    }

    private static async Task WaitForFileAsync(string path)
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (!File.Exists(path)) await Task.Delay(20, timeout.Token);
    }

    private static SupervisorOptions WithHttpAndCounter(out int http, out int counter)
    {
        http = FreePort.Next();
        counter = FreePort.Next();
        return new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["counter"] = $"tcp://127.0.0.1:{counter}" } };
    }

    public void Dispose()
    {
        File.Delete(_faultFile);
        File.Delete(_trialStarted);
    }
}
