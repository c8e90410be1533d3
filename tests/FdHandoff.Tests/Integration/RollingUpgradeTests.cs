using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>
/// <c>Workers:Strategy = "rolling"</c>: slot by slot, the new worker ready before the old one drains, the old one
/// gone before the next slot starts; a failure rolls the replaced slots back. Worker processes are counted by
/// the kernel's own fork and exit events (<see cref="ChildProcessWatch"/>), which no overlap escapes.
/// </summary>
public sealed class RollingUpgradeTests
{
    private const int Workers = 4;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_rolling_upgrade_of_4_workers_under_load_never_runs_more_than_5_and_loses_no_request(bool keepAlive)
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = Workers };
        await using var supervisor = StartRolling(options);
        await supervisor.WaitServingAsync();
        var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToHashSet();
        using var watch = ChildProcessWatch.Start(supervisor.Pid);
        await watch.WaitForAliveAsync(generation1, Wait);
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 16, keepAlive);
        await load.WaitForMoreSuccessesAsync(200, Wait);

        var upgrade = await supervisor.UpgradeAsync();
        await load.WaitForMoreSuccessesAsync(200, Wait);
        var result = await load.StopAsync();
        var status = supervisor.Status();
        await watch.WaitForAliveAsync(status.Workers.Select(w => w.Pid).ToHashSet(), Wait);

        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.Contains("generation 1 -> 2", upgrade.Stdout);
        Assert.True(result.Failed == 0, $"{(keepAlive ? "keep-alive" : "new connection per request")}: {result}\n{supervisor.Log}");
        Assert.Equal(2, status.Generation);
        Assert.Equal(Enumerable.Range(0, Workers), status.Workers.Select(w => w.Slot).Order());
        Assert.All(status.Workers, w => Assert.Equal(2, w.Generation));
        Assert.Null(watch.Failure);
        // Count+1 at most, and exactly that: each new worker was alive (ready) beside the old one it replaced.
        Assert.True(watch.Peak == Workers + 1, $"peak {watch.Peak} worker processes ({string.Join(", ", watch.PeakPids)})\n{supervisor.Log}");
        AssertSlotBySlot(supervisor, from: 1, to: 2, slots: Enumerable.Range(0, Workers));
        Assert.Single(supervisor.Log.All(LogEvents.RollDone, e => e.Int("Generation") == 2 && e.Int("SlotCount") == 4));
    }

    [Theory]
    [InlineData("exit-at-start", "exited with code 3 before it reported ready")]
    [InlineData("never-ready", "not ready after")]
    public async Task A_failure_at_the_third_slot_rolls_the_first_two_back_and_ends_with_4_workers_of_the_old_plan(string fault, string reason)
    {
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with
        {
            Workers = Workers,
            // Room for generation 1's four workers starting at once on a busy machine (seen: 9 s); a never-ready
            // worker at slot 2 costs this much.
            ReadyTimeout = TimeSpan.FromSeconds(20),
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
        };
        await using var supervisor = StartRolling(options);
        try
        {
            await supervisor.WaitServingAsync();
            var generation1 = supervisor.Status().Workers.ToDictionary(w => w.Slot, w => w.Pid);
            using var watch = ChildProcessWatch.Start(supervisor.Pid);
            await watch.WaitForAliveAsync(generation1.Values.ToHashSet(), Wait);
            await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
            await load.WaitForMoreSuccessesAsync(100, Wait);

            // Slot 2 is the third slot: only generation 2's worker there plays the fault.
            File.WriteAllText(faultFile, $"{fault} generation=2 slot=2");
            var upgrade = await supervisor.UpgradeAsync();
            await load.WaitForMoreSuccessesAsync(100, Wait);
            var result = await load.StopAsync();
            var status = supervisor.Status();
            await watch.WaitForAliveAsync(status.Workers.Select(w => w.Pid).ToHashSet(), Wait);

            Assert.Equal(1, upgrade.ExitCode);
            string line = Assert.Single(upgrade.Stderr.Trim().Split('\n'));
            foreach (string part in new[] { "failed, generation 1 still serving: rolling upgrade stopped at slot 2 (3 of 4)", reason, "slots 0-1 rolled back, generation 1 serves with 4 workers" })
                Assert.True(line.Contains(part), $"'{part}' not in: {line}\n{supervisor.Log}");
            Assert.Single(supervisor.Log.All(LogEvents.RollFailed, e => e.Int("Generation") == 2 && e.Int("Slot") == 2 && e.Int("SlotNumber") == 3 && e.Int("SlotCount") == 4));
            Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
            // The service ends on the old plan: 4 workers of generation 1, the slots never reached untouched,
            // slots 0 and 1 with new workers of generation 1, and no worker of generation 2 left.
            Assert.Equal(1, status.Generation);
            Assert.Equal(Enumerable.Range(0, Workers), status.Workers.Select(w => w.Slot).Order());
            Assert.All(status.Workers, w => Assert.Equal(1, w.Generation));
            Assert.All(status.Workers, w => Assert.Equal("ready", w.State));
            Assert.Equal(generation1[2], status.Workers.Single(w => w.Slot == 2).Pid);
            Assert.Equal(generation1[3], status.Workers.Single(w => w.Slot == 3).Pid);
            Assert.DoesNotContain(status.Workers.Single(w => w.Slot == 0).Pid, generation1.Values);
            Assert.DoesNotContain(status.Workers.Single(w => w.Slot == 1).Pid, generation1.Values);
            Assert.Contains("failed", status.LastUpgrade);
            Assert.Null(watch.Failure);
            Assert.True(watch.Peak <= Workers + 1, $"peak {watch.Peak} worker processes ({string.Join(", ", watch.PeakPids)})\n{supervisor.Log}");
            AssertSlotBySlot(supervisor, from: 1, to: 2, slots: [0, 1]);
            foreach (int slot in new[] { 0, 1 })
                Assert.Single(supervisor.Log.All(LogEvents.SlotRolledBack, e => e.Int("Slot") == slot && e.Int("Generation") == 1 && e.Int("OldWorkerCount") == 1 && e.Int("FailedGeneration") == 2));

            // Once the fault is gone the next rolling upgrade goes through from the restored generation.
            File.Delete(faultFile);
            var retry = await supervisor.UpgradeAsync();
            Assert.True(retry.ExitCode == 0, retry.Stderr);
            Assert.Contains("generation 1 -> 3", retry.Stdout);
            var after = supervisor.Status();
            Assert.Equal(Enumerable.Range(0, Workers), after.Workers.Select(w => w.Slot).Order());
            Assert.All(after.Workers, w => Assert.Equal(3, w.Generation));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    [Fact]
    public async Task Counter_connections_keep_their_count_through_a_rolling_upgrade_and_through_a_roll_back()
    {
        const int connections = 40;
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        int counter = FreePort.Next();
        var options = new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{FreePort.Next()}", ["counter"] = $"tcp://127.0.0.1:{counter}" },
            Workers = Workers,
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
        };
        await using var supervisor = StartRolling(options);
        try
        {
            await supervisor.WaitServingAsync();
            await using var load = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), connections,
                new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(20), Reconnect = false, Seed = 12 });
            await load.WaitForMoreLinesAsync(connections * 2, Wait);

            var rolled = await supervisor.UpgradeAsync();
            await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1, Wait);
            await load.WaitForMoreLinesAsync(connections * 2, Wait);
            File.WriteAllText(faultFile, "exit-at-start generation=3 slot=2");
            var failed = await supervisor.UpgradeAsync();
            await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 3, Wait);
            await load.WaitForMoreLinesAsync(connections * 2, Wait);
            var result = await load.StopAsync();
            var status = supervisor.Status();

            Assert.True(rolled.ExitCode == 0, rolled.Stderr);
            Assert.Equal(1, failed.ExitCode);
            Assert.True(result.Clean, $"{result}\n{supervisor.Log}");
            Assert.Equal(connections, result.ConnectionsOpened);
            // Slot by slot, every connection of generation 1 moved on; the two slots of generation 3 that were
            // rolled back handed theirs back to generation 2. None was closed on the way.
            var retired = supervisor.Log.All(LogEvents.GenerationRetired)
                .Select(e => (Retired: e.Int("PreviousGeneration"), Moved: e.Int("ConnectionsMoved"), To: e.Int("Generation"), Kept: e.Int("ConnectionsKept"), Closed: e.Int("ConnectionsClosed")))
                .ToList();
            Assert.Equal([1, 3], retired.Select(r => r.Retired));
            Assert.Equal((connections, 2, 0, 0), (retired[0].Moved, retired[0].To, retired[0].Kept, retired[0].Closed));
            Assert.Equal((2, 0, 0), (retired[1].To, retired[1].Kept, retired[1].Closed));
            Assert.True(retired[1].Moved > 0, supervisor.Log.ToString());
            Assert.Equal(2, status.Generation);
            Assert.All(status.Workers, w => Assert.Equal(2, w.Generation));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    [Fact]
    public async Task A_worker_of_a_slot_not_reached_yet_that_crashes_mid_roll_is_restarted_then_replaced()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = Workers };
        await using var supervisor = StartRolling(options);
        await supervisor.WaitServingAsync();
        int victim = supervisor.Status().Workers.Single(w => w.Slot == 3).Pid;

        var upgrade = supervisor.UpgradeAsync();
        // The roll is at slot 0: slot 3 still belongs to generation 1, whose crashed worker must come back.
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 2 && e.Int("Slot") == 0, Wait);
        int mark = supervisor.Log.Count;
        Native.Kill(victim, Native.SIGKILL);
        var restarted = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 1 && e.Int("Slot") == 3, Wait, from: mark);
        var result = await upgrade;
        var status = supervisor.Status();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Single(supervisor.Log.All(LogEvents.WorkerCrashed, e => e.IsAbout(victim, 1)));
        Assert.Single(supervisor.Log.All(LogEvents.WorkerRestartScheduled, e => e.Int("Slot") == 3 && e.Int("Generation") == 1));
        // The restarted worker served slot 3 until the roll reached it, then drained like the others.
        await supervisor.Log.WaitForEventAsync(LogEvents.Draining, e => e.IsAbout(restarted.Int("WorkerPid"), 1), Wait);
        Assert.Equal(2, status.Generation);
        Assert.Equal(Enumerable.Range(0, Workers), status.Workers.Select(w => w.Slot).Order());
        Assert.All(status.Workers, w => Assert.Equal(2, w.Generation));
        Assert.Contains("generation 2", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
    }

    [Fact]
    public async Task A_slot_that_keeps_the_new_plan_after_a_failed_roll_back_keeps_its_added_listener_through_a_crash()
    {
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        int added = FreePort.Next();
        var options = new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{FreePort.Next()}" },
            Workers = 2,
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
        };
        await using var supervisor = StartRolling(options);
        try
        {
            await supervisor.WaitServingAsync();
            // Slot 1 of generation 2 fails, and so does slot 0's roll back: slot 0 keeps generation 2's worker,
            // which holds the listener generation 2 added.
            File.WriteAllText(faultFile, "exit-at-start generation=2 slot=1\nexit-at-start generation=1 slot=0\n");
            supervisor.WriteConfig(options with { Listeners = new(options.Listeners) { ["http-new"] = $"tcp://127.0.0.1:{added}" } });
            var upgrade = await supervisor.UpgradeAsync();
            var kept = supervisor.Status().Workers.Single(w => w.Slot == 0);
            int mark = supervisor.Log.Count;
            Native.Kill(kept.Pid, Native.SIGKILL);
            var restarted = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 2 && e.Int("Slot") == 0, Wait, from: mark);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.IsAbout(restarted.Int("WorkerPid"), 2), Wait, from: mark);
            var onAdded = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, added));

            Assert.Equal(1, upgrade.ExitCode);
            Assert.True(upgrade.Stderr.Contains("rolled back except slot 0"), $"{upgrade.Stderr}\n{supervisor.Log}");
            Assert.Equal(2, kept.Generation);
            Assert.True(onAdded.Body.Contains("generation 2"), $"{onAdded.Body}\n{supervisor.Log}");
            Assert.Empty(supervisor.Log.All([LogEvents.ListenerRemoved, LogEvents.ListenerClosed], e => e.String("Listener") == "http-new"));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    [Fact]
    public async Task An_unknown_strategy_gives_one_line_naming_the_key_and_both_values_and_exit_2()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);

        await using var supervisor = SupervisorProcess.Start(options, launcher: [], environment: new Dictionary<string, string> { ["FDHANDOFF_Workers__Strategy"] = "blue-green" });
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.Contains("Workers:Strategy is 'blue-green'", line);
        Assert.Contains("\"all-at-once\"", line);
        Assert.Contains("\"rolling\"", line);
        Assert.Empty(supervisor.SpawnedWorkers());
    }

    private static SupervisorProcess StartRolling(SupervisorOptions options) =>
        SupervisorProcess.Start(options, launcher: [], environment: new Dictionary<string, string> { ["FDHANDOFF_Workers__Strategy"] = "rolling" });

    /// <summary>
    /// For each slot in order: its new worker ready before its old worker is told to drain, and the old worker
    /// exited before the next slot's new worker is spawned.
    /// </summary>
    private static void AssertSlotBySlot(SupervisorProcess supervisor, int from, int to, IEnumerable<int> slots)
    {
        var log = supervisor.Log;
        LogEntry First(IReadOnlyCollection<EventKind> kinds, Func<LogEntry, bool> where) => log.All(kinds, where)[0];
        int previousExit = -1;
        foreach (int slot in slots)
        {
            int oldPid = First([LogEvents.WorkerSpawned], e => e.Int("Generation") == from && e.Int("Slot") == slot).Int("WorkerPid");
            var spawned = First([LogEvents.WorkerSpawned], e => e.Int("Generation") == to && e.Int("Slot") == slot);
            int spawn = spawned.Index, newPid = spawned.Int("WorkerPid");
            int ready = First(LogEvents.Ready, e => e.IsAbout(newPid, to)).Index;
            int drain = First(LogEvents.Draining, e => e.IsAbout(oldPid, from)).Index;
            int exit = First([LogEvents.WorkerExited], e => e.IsAbout(oldPid, from)).Index;
            Assert.True(previousExit < spawn, $"slot {slot}: spawned before the previous slot's old worker exited\n{log}");
            Assert.True(ready < drain, $"slot {slot}: old worker {oldPid} drained before new worker {newPid} was ready\n{log}");
            Assert.True(drain < exit, log.ToString());
            previousExit = exit;
        }
    }
}
