using System.Net;
using FdHandoff.Tests.Infrastructure;
using Xunit.Abstractions;

namespace FdHandoff.Tests.Integration;

/// <summary>
/// Faults at every step of a worker's life, and of the supervisor's: what the client load sees
/// (failed requests counted and printed), that the state afterwards is right, and that no fd leaks.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 8;
    private readonly string _faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");

    private SupervisorOptions Options(out int http) =>
        SupervisorOptions.WithDefaultListeners(out http, out _) with
        {
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = _faultFile },
        };

    [Theory]
    [InlineData("hang-before-hello")]
    [InlineData("hang-after-listeners")]
    [InlineData("never-ready")]
    public async Task A_new_worker_killed_mid_upgrade_fails_the_upgrade_and_the_old_generation_serves_on(string fault)
    {
        // When to strike: the hanging worker says it hangs; the never-ready one has been handed its listeners.
        var killWhen = fault == "never-ready" ? LogEvents.HandedOff : LogEvents.FaultHangs;
        Func<LogEntry, bool> where = fault switch
        {
            "hang-before-hello" => e => e.String("Fault") == "HangBeforeHello",
            "hang-after-listeners" => e => e.String("Fault") == "HangAfterListeners",
            _ => e => e.Int("Generation") == 2,
        };
        await using var supervisor = SupervisorProcess.Start(Options(out int http));
        await supervisor.WaitServingAsync();
        var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToHashSet();
        var descriptorsBefore = supervisor.OpenDescriptors();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        File.WriteAllText(_faultFile, fault);
        var upgrade = supervisor.UpgradeAsync();
        int victim = (await supervisor.Log.WaitForEventAsync(killWhen, where, TimeSpan.FromSeconds(30))).Int("WorkerPid");
        Native.Kill(victim, Native.SIGKILL);
        var result = await upgrade;
        foreach (var (pid, _) in supervisor.SpawnedWorkers().Where(w => w.Generation == 2))
            await supervisor.WaitWorkerGoneAsync(pid, TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var seen = await load.StopAsync();
        var status = supervisor.Status();
        output.WriteLine($"fault {fault}, worker killed mid-upgrade: {seen}");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"exited with code 137 before it reported ready", result.Stderr);
        Assert.Equal(1, status.Generation);
        Assert.Equal(generation1, status.Workers.Select(w => w.Pid).ToHashSet());
        Assert.Contains("failed", status.LastUpgrade);
        // The killed worker never accepted (hang-*), or accepted only what it had in hand (never-ready serves).
        Assert.True(fault == "never-ready" ? seen.Failed <= Clients : seen.Failed == 0, seen.ToString());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
    }

    [Fact]
    public async Task A_worker_killed_while_serving_is_replaced_and_costs_at_most_the_requests_in_its_hands()
    {
        await using var supervisor = SupervisorProcess.Start(Options(out int http));
        await supervisor.WaitServingAsync();
        int victim = supervisor.Status().Workers[0].Pid;
        var descriptorsBefore = supervisor.OpenDescriptors();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        int mark = supervisor.Log.Count;
        Native.Kill(victim, Native.SIGKILL);
        var replacement = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 1, TimeSpan.FromSeconds(30), from: mark);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.IsAbout(replacement.Int("WorkerPid"), 1), TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var seen = await load.StopAsync();
        var status = supervisor.Status();
        output.WriteLine($"worker killed while serving: {seen}");

        Assert.Contains(supervisor.Log.All(LogEvents.WorkerCrashed), e => e.IsAbout(victim, 1) && e.Int("ExitCode") == 137 && e.String("WorkerState") == "Ready");
        Assert.Equal(1, status.Generation);
        Assert.Equal(2, status.Workers.Count);
        Assert.True(seen.Failed <= Clients, seen.ToString());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
    }

    [Fact]
    public async Task A_worker_that_ignores_drain_is_killed_at_the_deadline_and_the_new_generation_serves()
    {
        File.WriteAllText(_faultFile, "ignore-drain");
        await using var supervisor = SupervisorProcess.Start(Options(out int http));
        await supervisor.WaitServingAsync();
        File.Delete(_faultFile); // generation 2 behaves
        var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToList();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: true);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        var upgrade = await supervisor.UpgradeAsync();
        foreach (int pid in generation1)
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerKilled, e => e.IsAbout(pid, 1) && e.String("Reason").StartsWith("did not drain within 5 s", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await supervisor.WaitOldGenerationsGoneAsync(2, TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var seen = await load.StopAsync();
        var status = supervisor.Status();
        output.WriteLine($"worker ignoring drain, killed at the deadline: {seen}");

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(2, status.Generation);
        Assert.Equal(2, status.Workers.Count);
        Assert.All(status.Workers, w => Assert.Equal(2, w.Generation));
        Assert.All(generation1, pid => Assert.False(Native.IsAlive(pid, "fdhandoff-worker")));
        // It finished what it had before it stopped accepting; killing it afterwards cost nothing.
        Assert.True(seen.Failed == 0, seen.ToString());
    }

    [Fact]
    public async Task A_worker_killed_while_draining_is_not_replaced_and_the_new_generation_serves()
    {
        File.WriteAllText(_faultFile, "ignore-drain"); // keeps generation 1 draining until the test kills it
        await using var supervisor = SupervisorProcess.Start(Options(out int http));
        await supervisor.WaitServingAsync();
        File.Delete(_faultFile);
        var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToList();
        var descriptorsBefore = supervisor.OpenDescriptors();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        var upgrade = await supervisor.UpgradeAsync();
        await supervisor.Log.WaitForEventAsync(LogEvents.FaultIgnoresDrain, e => e.Int("WorkerPid") == generation1[0], TimeSpan.FromSeconds(30));
        Native.Kill(generation1[0], Native.SIGKILL);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerExited, e => e.IsAbout(generation1[0], 1) && e.Int("ExitCode") == 137, TimeSpan.FromSeconds(30));
        await supervisor.WaitOldGenerationsGoneAsync(2, TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var seen = await load.StopAsync();
        var status = supervisor.Status();
        output.WriteLine($"worker killed while draining: {seen}");

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(2, status.Generation);
        Assert.Equal(2, status.Workers.Count);
        Assert.All(status.Workers, w => Assert.Equal(2, w.Generation));
        Assert.Empty(supervisor.Log.All(LogEvents.WorkerRestartScheduled));
        Assert.True(seen.Failed == 0, seen.ToString());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
    }

    [Fact]
    public async Task When_the_supervisor_is_killed_and_none_comes_back_its_workers_serve_through_the_orphan_timeout_then_drain_close_every_connection_cleanly_and_exit()
    {
        const int CounterConnections = 40;
        int http = FreePort.Next(), counter = FreePort.Next();
        var options = new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["counter"] = $"tcp://127.0.0.1:{counter}" },
            WorkerSettings = new() { ["OrphanTimeout"] = "00:00:02" },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var workers = supervisor.Status().Workers.Select(w => w.Pid).ToList();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        // Whole lines only: what is asserted is how each connection ends, not a line cut in two by the close.
        await using var lines = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), CounterConnections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(50), SplitProbability = 0, Reconnect = false, Seed = 153 });
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        await lines.WaitForMoreLinesAsync(CounterConnections * 2, TimeSpan.FromSeconds(30));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        supervisor.Signal(Native.SIGKILL);
        // Orphans serve on while they wait to be adopted (Workers:OrphanTimeout, 2 s here): requests keep being answered,
        // established connections keep counting.
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        await lines.WaitForMoreLinesAsync(CounterConnections, TimeSpan.FromSeconds(30));
        // Then HandoffClient.OrphanDrainTime (10 s): each worker must be gone by then, plus start-up slack.
        var exited = await Task.WhenAll(workers.Select(pid => Native.WaitForExitAsync(pid, TimeSpan.FromSeconds(20))));
        clock.Stop();
        var seen = await load.StopAsync();
        var counted = await lines.StopAsync();
        output.WriteLine($"supervisor SIGKILLed: workers gone after {clock.Elapsed.TotalSeconds:0.0} s; load {seen}; lines {counted}");

        Assert.All(exited, Assert.True);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{clock.Elapsed}");
        // Every counter connection was closed by its worker with no successor to take it: in order (a FIN after its last
        // answer, never a reset), with its count right to the end. A line sent as the FIN crossed it goes unanswered.
        Assert.Equal(CounterConnections, counted.Disconnects);
        Assert.True(counted.Failures.Keys.SequenceEqual(["disconnect: EOF"]), counted.ToString());
        Assert.True(counted.ProtocolErrors == 0 && counted.Stalls == 0, counted.ToString());
        Assert.True(counted.Unanswered <= CounterConnections, counted.ToString());
        // With every copy of the listening sockets closed, the ports are free: nothing lingers holding them.
        Assert.Empty(ProcNet.ListeningInodes(http));
        Assert.Empty(ProcNet.ListeningInodes(counter));
    }

    [Fact]
    public async Task With_the_journal_unavailable_logging_falls_back_and_serving_goes_on()
    {
        Assert.False(File.Exists("/run/systemd/journal/socket"), "this test needs a machine where journald does not listen");
        // The workers inherit the variable: both sides log through the fallback.
        await using var supervisor = SupervisorProcess.Start(Options(out int http), launcher: [], environment: new Dictionary<string, string> { ["FDHANDOFF_LOG"] = "journal" });
        await supervisor.WaitServingAsync();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: true);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        var upgrade = await supervisor.UpgradeAsync();
        await supervisor.WaitOldGenerationsGoneAsync(2, TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var seen = await load.StopAsync();
        output.WriteLine($"journal unavailable: {seen}");

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(2, supervisor.Status().Generation);
        Assert.True(seen.Failed == 0, seen.ToString());
    }

    public void Dispose() => File.Delete(_faultFile);
}
