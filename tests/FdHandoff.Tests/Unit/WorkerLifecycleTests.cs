using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Tests.Unit;

/// <summary>
/// A worker's life has one owner and one way to change: each transition of <see cref="WorkerLifecycle"/> happens
/// once, from the states it names, and says so; what readiness waits on follows the transitions, never a caller.
/// </summary>
public sealed class WorkerLifecycleTests
{
    private static readonly ReadyReport Ours = new(true, ["http"]);

    [Fact]
    public async Task A_worker_goes_spawned_connected_handed_off_ready_and_its_ready_task_completes_only_at_ready()
    {
        using var pair = new SeqpacketPair();
        var life = new WorkerLifecycle();
        Assert.Equal(WorkerState.Spawned, life.State);

        Assert.True(life.TryConnect(pair.Server));
        Assert.Same(pair.Server, life.Channel);
        Assert.False(life.Ready.IsCompleted);
        Assert.True(life.TryHandOff());
        Assert.False(life.Ready.IsCompleted);
        Assert.True(life.TryReady(Ours));

        await life.Ready;
        Assert.Equal(WorkerState.Ready, life.State);
        Assert.Equal(Ours, life.Report);
    }

    [Fact]
    public void A_transition_from_the_wrong_state_changes_nothing_and_says_so()
    {
        using var pair = new SeqpacketPair();
        var life = new WorkerLifecycle();

        Assert.False(life.TryHandOff());           // not connected yet
        Assert.False(life.TryReady(Ours));         // not handed off yet
        Assert.True(life.TryConnect(pair.Server));
        Assert.False(life.TryConnect(pair.Client)); // a second Hello
        Assert.Same(pair.Server, life.Channel);
        Assert.False(life.TryReady(Ours));         // our own protocol: listeners first
        Assert.Equal(WorkerState.Connected, life.State);
        Assert.False(life.Ready.IsCompleted);
    }

    [Fact]
    public void A_systemd_protocol_ready_may_come_before_the_hand_off_is_recorded()
    {
        using var pair = new SeqpacketPair();
        var life = new WorkerLifecycle();
        life.TryConnect(pair.Server);

        Assert.True(life.TryReady(ReadyReport.Program, fromConnected: true));
        Assert.Equal(WorkerState.Ready, life.State);
        Assert.False(life.TryHandOff());
        Assert.False(life.TryReady(ReadyReport.Program, fromConnected: true)); // READY=1 twice counts once
    }

    [Fact]
    public void A_worker_drains_once_and_is_told_on_its_channel_only_if_it_connected()
    {
        using var pair = new SeqpacketPair();
        var never = new WorkerLifecycle();
        Assert.True(never.TryDrain(DateTimeOffset.UtcNow, out var none));
        Assert.Null(none);
        Assert.True(never.Drained);

        var connected = new WorkerLifecycle();
        connected.TryConnect(pair.Server);
        Assert.True(connected.TryDrain(DateTimeOffset.UtcNow, out var tell));
        Assert.Same(pair.Server, tell);
        Assert.False(connected.TryDrain(DateTimeOffset.UtcNow, out _));
        Assert.False(connected.TryReady(Ours));    // a late Ready does not bring a draining worker back
        Assert.Equal(WorkerState.Draining, connected.State);
    }

    [Fact]
    public async Task An_exit_before_ready_faults_the_ready_task_with_the_reason_and_returns_the_state_it_was_in()
    {
        var life = new WorkerLifecycle();
        var state = life.Exit(3, new InvalidOperationException("exited with code 3 before it reported ready"));

        Assert.Equal(WorkerState.Spawned, state);
        Assert.Equal(WorkerState.Exited, life.State);
        Assert.Equal(3, life.ExitCode);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => life.Ready);
        Assert.Contains("code 3", e.Message);
        Assert.False(life.Gone.IsCompleted);  // gone only once what it held is released
        life.MarkGone();
        await life.Gone;
        Assert.False(life.TryDrain(DateTimeOffset.UtcNow, out _));
        life.ReportLoad(7);
        Assert.Equal(-1, life.Connections);   // an exited worker reports nothing any more
    }

    [Fact]
    public async Task An_exit_after_ready_leaves_the_ready_task_completed()
    {
        using var pair = new SeqpacketPair();
        var life = new WorkerLifecycle();
        life.TryConnect(pair.Server);
        life.TryHandOff();
        life.TryReady(Ours);
        life.ReportLoad(-5);
        Assert.Equal(0, life.Connections);

        Assert.Equal(WorkerState.Ready, life.Exit(0, new InvalidOperationException("not used")));
        await life.Ready;
    }
}
