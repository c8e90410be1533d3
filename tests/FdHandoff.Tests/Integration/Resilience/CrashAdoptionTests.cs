using System.Diagnostics;
using System.Net;
using FdHandoff.Protocol;
using FdHandoff.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FdHandoff.Tests.Integration.Resilience;

/// <summary>
/// <c>kill -9</c> of the supervisor (issue 21): its workers serve on as orphans, a supervisor started again on the same
/// configuration adopts them (same pids, listeners not "already in use"), and nothing a client sent is refused, reset
/// or loses its count; the next upgrade moves every connection as usual.
/// </summary>
public sealed class CrashAdoptionTests(ITestOutputHelper output)
{
    private const int Connections = 200;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public async Task A_supervisor_killed_under_load_and_started_again_adopts_every_worker_and_no_connection_is_refused_or_loses_its_count(int restartAfterSeconds)
    {
        var options = WithHttpAndCounter(out int http, out int counter);
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var workers = first.Status().Workers.Select(w => w.Pid).Order().ToList();
        await first.WaitStateSavedAsync(workers, Wait);
        // A fresh connection for each request, 8 at a time: far more often than one every 20 ms.
        await using var probe = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
        await using var lines = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), Connections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(50), SplitProbability = 0.3, Reconnect = false, Seed = 2121 });
        await lines.WaitForMoreLinesAsync(Connections * 2, Wait);
        await probe.WaitForMoreSuccessesAsync(100, Wait);
        // The crash must leave nothing behind: once the adopter has upgraded, it holds what the first held (its own
        // two workers' channels and pidfds, the listeners, the control and notify sockets), no more.
        var descriptorsBefore = first.OpenDescriptors();

        first.Signal(Native.SIGKILL);
        // Its exit, not the end of its output: the workers still hold the pipes they inherited.
        Assert.True(await Native.WaitForExitAsync(first.Pid, Wait));
        // Orphans: they serve on, new connections and old ones alike, for as long as nobody adopts them.
        var orphaned = Stopwatch.StartNew();
        do
        {
            await probe.WaitForMoreSuccessesAsync(50, Wait);
            await lines.WaitForMoreLinesAsync(Connections, Wait);
        }
        while (orphaned.Elapsed < TimeSpan.FromSeconds(restartAfterSeconds));

        var clock = Stopwatch.StartNew();
        var restartedAt = DateTimeOffset.UtcNow;
        await using var second = first.StartSuccessor();
        var starting = await second.Log.WaitForEventAsync(LogEvents.AdoptionStarting, _ => true, Wait);
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);
        var status = second.Status();
        // How soon is the benchmark's to say (bench/supervisor-resilience.sh, NativeAOT): a Debug build starting under
        // this load on 2 cores spends most of it in JIT.
        clock.Stop();
        output.WriteLine($"process start to adoption starting {(starting.Time - restartedAt).TotalMilliseconds:0} ms, adoption {(adopted.Time - starting.Time).TotalMilliseconds:0} ms");
        await probe.WaitForMoreSuccessesAsync(50, Wait);
        await lines.WaitForMoreLinesAsync(Connections, Wait);

        var upgrade = await second.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr + second.Log);
        var retired = await second.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1, Wait);
        await lines.WaitForMoreLinesAsync(Connections, Wait);
        var descriptorsAfter = second.OpenDescriptors();
        var http1 = await probe.StopAsync();
        var counted = await lines.StopAsync();
        output.WriteLine($"restart {restartAfterSeconds} s after the kill: adopted and status in {clock.ElapsedMilliseconds} ms; probe {http1}; lines {counted}");

        Assert.Equal(workers.Count, adopted.Int("Adopted"));
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).Order());
        Assert.Equal(1, status.Supervisor!.Adoptions);
        // It bound nothing of its own: every listener came back from the workers that held it.
        Assert.Empty(second.Log.All(LogEvents.ListenerBound));
        Assert.True(http1.Failed == 0, http1.ToString());
        Assert.True(counted.Clean, $"{counted}\n{second.Log}");
        Assert.Equal(Connections, counted.ConnectionsOpened);
        Assert.Equal(Connections, retired.Int("ConnectionsMoved"));
        Assert.True(descriptorsBefore.SequenceEqual(descriptorsAfter),
            $"before the kill: {string.Join(", ", descriptorsBefore)}\nafter adoption and an upgrade: {string.Join(", ", descriptorsAfter)}");
    }

    [Fact]
    public async Task A_worker_that_presents_a_wrong_token_is_refused_and_its_peers_are_adopted()
    {
        var options = WithHttpAndCounter(out _, out _);
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var workers = first.Status().Workers.Select(w => w.Pid).Order().ToList();
        await first.WaitStateSavedAsync(workers, Wait);
        // One worker stopped (SIGSTOP) cannot reattach: the new supervisor's adoption window stays open for the impostor
        // (else both workers could be back before it connects, and it would meet a supervisor that adopts no more).
        Native.Kill(workers[1], Native.SIGSTOP);
        await Native.WaitForStateAsync(workers[1], 'T', Wait);
        first.Signal(Native.SIGKILL);
        // Its exit, not the end of its output: the workers still hold the pipes they inherited.
        Assert.True(await Native.WaitForExitAsync(first.Pid, Wait));

        await using var second = first.StartSuccessor();
        await second.Log.WaitForEventAsync(LogEvents.AdoptionStarting, _ => true, Wait);
        // An impostor claiming to be one of the workers, from a process that is not it: SO_PEERCRED says otherwise.
        using (var impostor = ControlChannel.Connect(second.ControlSocket))
            impostor.Send(new ReattachMessage(workers[0], 1, 0, "guessed", "ready", false, null, 0, [], [], []));
        var refused = await second.Log.WaitForEventAsync(LogEvents.ReattachRefused, _ => true, Wait);
        Native.Kill(workers[1], Native.SIGCONT);
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);

        Assert.Contains("claims pid", refused.String("Reason"));
        Assert.Equal(workers.Count, adopted.Int("Reattached"));
        Assert.Equal(workers, second.Status().Workers.Select(w => w.Pid).Order());
    }

    private static SupervisorOptions WithHttpAndCounter(out int http, out int counter)
    {
        http = FreePort.Next();
        counter = FreePort.Next();
        return new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["counter"] = $"tcp://127.0.0.1:{counter}" } };
    }
}
