using System.Diagnostics;
using System.Text;
using FdHandoff.Listeners;
using FdHandoff.Supervisor;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Metrics;
using FdHandoff.Supervisor.SavedState;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Tests.Unit.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace FdHandoff.Tests.Unit.SavedState;

/// <summary>
/// The whole supervisor state can be written out and read back: taken from its owners mid-roll (slot owners differ
/// from the serving generation, a worker drains, one is ready, a crash counted), written as JSON and read back to the
/// same data, and a plan read back to the same settings and the same held listeners.
/// </summary>
public sealed class SupervisorStateTests : IDisposable
{
    private readonly List<Process> _sleepers = [];
    private readonly List<BoundListener> _listeners = [];

    [Fact]
    public void The_state_taken_mid_roll_is_written_out_and_read_back_to_the_same_data()
    {
        var (state, pool, history) = Owners();
        var http = Listen("http");
        var settings = SupervisorSettings.FromPairs(new Dictionary<string, string> { ["Listeners:http"] = http.Spec.Address, ["Workers:Count"] = "2", ["Workers:Strategy"] = "rolling" }, "test");
        var plan1 = new GenerationPlan(pool.Slots.NextGeneration(), settings, [http]);
        var plan2 = new GenerationPlan(pool.Slots.NextGeneration(), settings, [http]);
        var old0 = Add(pool, plan1, 0);
        var old1 = Add(pool, plan1, 1);
        pool.Promote(1);
        var new0 = Add(pool, plan2, 0);
        using var pair = new SeqpacketPair();
        new0.Lifecycle.TryConnect(pair.Server);
        new0.Lifecycle.TryHandOff();
        new0.Lifecycle.TryReady(new ReadyReport(true, ["http"]));
        new0.Lifecycle.ReportLoad(7);
        pool.Slots.GiveSlot(0, new0);
        pool.PromoteMidRoll(2);
        old0.Lifecycle.TryDrain(DateTimeOffset.UtcNow, out _);
        pool.Restarts.Schedule(plan1, 1, TimeSpan.FromSeconds(1)); // a crash of slot 1 counted (its restart waits 100 ms and finds no spawner)
        history.Record("rolling to generation 2: slot 1 of 2");

        var snapshot = state.Capture();
        var json = Write(snapshot);
        var back = SupervisorState.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(json, Write(back));
        Assert.Equal(SupervisorState.Format, back.Format);
        Assert.Equal(2, back.ServingGeneration);
        Assert.Equal(2, back.LastGeneration);
        Assert.Equal(new Dictionary<int, int> { [0] = 2, [1] = 1 }, back.SlotOwners);
        Assert.Equal([1, 2], back.Plans.Select(p => p.Generation));
        Assert.Equal(1, back.CrashesInARow[1]);
        Assert.Equal("rolling to generation 2: slot 1 of 2", back.LastUpgrade);
        var worker = back.Workers.Single(w => w.Pid == new0.Pid);
        Assert.Equal(("Ready", 2, 0, 7, true), (worker.State, worker.Generation, worker.Slot, worker.Connections, worker.TakesConnections));
        Assert.Equal(["http"], worker.Serving!);
        Assert.True(new0.Presents(worker.Token));
        Assert.Equal(("Draining", true), (back.Workers.Single(w => w.Pid == old0.Pid).State, back.Workers.Single(w => w.Pid == old0.Pid).Drained));
        Assert.Equal("Spawned", back.Workers.Single(w => w.Pid == old1.Pid).State);
    }

    [Fact]
    public void A_plan_read_back_has_the_same_settings_and_the_same_held_listeners()
    {
        var http = Listen("http");
        var echo = Listen("echo");
        var settings = SupervisorSettings.FromPairs(new Dictionary<string, string>
        {
            ["Listeners:http"] = http.Spec.Address, ["Listeners:echo"] = echo.Spec.Address,
            ["Workers:Count"] = "3", ["Workers:DrainTimeout"] = "00:00:02.5", ["Workers:Args:0"] = "--flag",
            ["Workers:Command"] = WorkerCommand.Resolve(Infrastructure.Binaries.Worker),
        }, "test");
        var plan = new GenerationPlan(4, settings, [echo, http]);

        var back = SupervisorState.ToPlan(SupervisorState.ToRecord(plan), [http, echo]);

        Assert.Equal(4, back.Generation);
        SettingsComparison.AssertEqual(settings, back.Settings);
        Assert.Equal([echo, http], back.Listeners);
        var missing = Assert.Throws<SupervisorException>(() => SupervisorState.ToPlan(SupervisorState.ToRecord(plan), [http]));
        Assert.Contains("names listener echo, which is not held", missing.Message);
    }

    [Fact]
    public void A_state_of_a_newer_format_or_not_json_is_refused_with_one_line()
    {
        var newer = Assert.Throws<SupervisorException>(() => SupervisorState.Read(new MemoryStream(Encoding.UTF8.GetBytes(
            """{"format":99,"writtenBy":"fdhandoff 9.0.0","supervisorPid":1,"life":{"startedAt":"2026-01-01T00:00:00+00:00","reexecs":0,"failedReexecs":0,"adoptions":0},"servingGeneration":1,"lastGeneration":1,"slotOwners":{},"plans":[],"workers":[],"crashesInARow":{},"lastUpgrade":"none","lastRetirement":{"generation":0,"moved":0,"closed":0,"reason":""},"handOvers":{"byGeneration":{},"receivedBy":{},"inTransit":[],"lastTransitId":0}}"""))));
        Assert.Contains("format 99 (written by fdhandoff 9.0.0); this fdhandoff reads up to format 1", newer.Message);
        var garbage = Assert.Throws<SupervisorException>(() => SupervisorState.Read(new MemoryStream("not json"u8.ToArray())));
        Assert.StartsWith("the saved state is not readable", garbage.Message);
    }

    private static string Write(SupervisorSnapshot snapshot)
    {
        var stream = new MemoryStream();
        SupervisorState.Write(snapshot, stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private (SupervisorState State, WorkerPool Pool, UpgradeHistory History) Owners()
    {
        var settings = SupervisorSettings.FromPairs(new Dictionary<string, string> { ["Listeners:http"] = "tcp://127.0.0.1:1" }, "test");
        var metrics = new SupervisorMetrics();
        var table = new WorkerTable();
        var pool = new WorkerPool(settings, table, new SlotTable(table), new WorkerSpawner(), new StartPriority(NullLogger<StartPriority>.Instance),
            new WorkerDrain(metrics, NullLogger<WorkerDrain>.Instance), metrics, NullLogger<WorkerPool>.Instance);
        var history = new UpgradeHistory();
        var router = new ConnectionRouter(pool, new ListenerSet(settings, NullLogger<ListenerSet>.Instance), NullLogger<ConnectionRouter>.Instance);
        return (new SupervisorState(pool, history, router, new FdHandoff.Supervisor.Resilience.SupervisorLife()), pool, history);
    }

    // A real process stands for each worker: the table holds processes, not descriptions of them.
    private WorkerProcess Add(WorkerPool pool, GenerationPlan plan, int slot) =>
        pool.Slots.Spawn(plan, () => pool.Table.Add(() =>
        {
            var sleeper = Process.Start("sleep", "60");
            _sleepers.Add(sleeper);
            return new WorkerProcess(WorkerProcessHandle.Spawned(sleeper), plan, slot, Convert.ToHexString(Guid.NewGuid().ToByteArray()), 0);
        }));

    private BoundListener Listen(string name)
    {
        var listener = ListenerBinder.Bind(ListenerSpec.Parse(name, $"tcp://127.0.0.1:{Infrastructure.FreePort.Next()}"));
        _listeners.Add(listener);
        return listener;
    }

    public void Dispose()
    {
        foreach (var p in _sleepers) { p.Kill(); p.WaitForExit(); p.Dispose(); }
        foreach (var l in _listeners) l.Dispose();
    }
}
