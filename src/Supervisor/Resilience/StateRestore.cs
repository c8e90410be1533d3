using System.Net.Sockets;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.SavedState;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Unix;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// In a re-executed image, right after the listeners and before the control socket reads again: every owner takes its
/// part of the saved state back. The slot table its generations and plans (with the listeners now held), each worker
/// still alive (the same process: same pid and start time) its lifecycle, control connection and message loop, a
/// draining one its deadline, the router its connections in transit, the history, the restart backoff and the
/// supervisor's life theirs. A worker that exited meanwhile is gone; its slot restarts if its generation owns it.
/// Does nothing at a fresh start.
/// </summary>
internal sealed class StateRestore(
    RestoredImage restored,
    ListenerSet listeners,
    WorkerPool pool,
    WorkerDrain drain,
    WorkerMessageLoop messages,
    ConnectionRouter router,
    UpgradeHistory history,
    SupervisorLife life,
    ReexecCompletion completion,
    ILogger<StateRestore> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (restored.HandOff is not { } handOff) return Task.CompletedTask;
        var saved = handOff.State;
        life.Continue(saved.Life);
        if (restored.IsAdoption) life.Adopted();
        else if (restored.FallbackReason is null) life.Reexecuted();
        else life.ReexecFailed();
        history.Restore(saved.LastUpgrade, saved.LastRetirement);
        var held = listeners.All;
        int serving = restored.IsAdoption ? ServingAfterCrash(saved) : saved.ServingGeneration;
        pool.Slots.Restore(new SlotTableSnapshot(serving, Math.Max(serving, saved.LastGeneration), saved.SlotOwners,
            saved.Plans.Select(p => SupervisorState.ToPlan(p, held)).ToList()));
        pool.Restarts.Restore(saved.CrashesInARow);

        var workers = new Dictionary<int, WorkerProcess>();
        foreach (var record in saved.Workers)
        {
            var channel = restored.Take($"worker:{record.Pid}") is { } fd
                ? new ControlChannel(new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true)), $"worker {record.Pid}")
                : null;
            if (TakeOver(record, channel) is { } worker) workers[worker.Pid] = worker;
            else channel?.Dispose();
        }
        router.Restore(saved.HandOvers, id => restored.Take($"transit:{id}"), pid => workers.GetValueOrDefault(pid));
        completion.TakeWaiting();
        foreach (var worker in workers.Values)
        {
            if (worker.Channel is not null) messages.Start(worker);
            if (worker.State == WorkerState.Draining) drain.KeepDeadline(worker);
        }
        if (restored.IsAdoption)
        {
            AnswerPending(workers);
            // An upgrade the dead supervisor was in the middle of is lost (nobody waits for its answer): the workers it
            // had started for a slot their generation does not own drain; the owners serve on.
            var owners = pool.Slots.Owners();
            foreach (var worker in workers.Values.Where(w => w.State is not WorkerState.Draining && owners.GetValueOrDefault(w.Slot, -1) != w.Generation))
                drain.Drain(worker, "the supervisor that started this generation died before it served; the one that adopted it goes on with the generation that served");
            int notBack = saved.Workers.Count(w => !workers.ContainsKey(w.Pid) && ProcessStartTime.Of(w.Pid) == w.StartTicks);
            SupervisorLog.Adopted(logger, serving, workers.Count, restored.Reattached.Count, notBack, listeners.All.Count);
        }
        // A slot whose worker exited while nobody watched: restarted as after a crash, if its generation owns it.
        foreach (var (slot, owner) in pool.Slots.Owners())
            if (!pool.Table.Any(w => w.Slot == slot && w.Generation == owner && !w.Retired) && pool.Slots.PlanOf(owner) is { } plan)
                pool.Restarts.Schedule(plan, slot, RestartBackoff.StableUptime);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The generation that served when the supervisor died. The state file may be up to <see cref="StateFile.Period"/>
    /// old: a promotion in that time is missing from it, and the generation it names may already be draining (told so
    /// right after the promotion) or gone. What the workers said when they reattached is newer: when no worker of the
    /// saved generation said it serves and a newer generation's workers did, that one was promoted. Mid-roll the saved
    /// slot owners are kept as they are: a slot handed over in those last 200 ms comes back one step behind (its new
    /// worker drains; the slot is served again by its old owner's generation, by a restart once the old worker has
    /// exited), while the other slots serve throughout.
    /// </summary>
    private int ServingAfterCrash(SupervisorSnapshot saved)
    {
        var said = restored.Reattached.Values;
        if (saved.SlotOwners.Count > 0 || said.Any(r => r.Generation == saved.ServingGeneration && r.State == "ready")) return saved.ServingGeneration;
        var newer = said.Where(r => r.Generation > saved.ServingGeneration && r.State == "ready" && saved.Plans.Any(p => p.Generation == r.Generation))
            .Select(r => r.Generation).DefaultIfEmpty(saved.ServingGeneration).Max();
        return newer;
    }

    /// <summary>The worker <paramref name="record"/> describes, if that very process still runs; held by the pool from here.</summary>
    private WorkerProcess? TakeOver(WorkerRecord record, ControlChannel? channel)
    {
        if (ProcessStartTime.Of(record.Pid) != record.StartTicks || WorkerProcessHandle.TakenOver(record.Pid) is not { } handle)
        {
            SupervisorLog.WorkerGoneMeanwhile(logger, record.Pid, record.Generation, record.Slot);
            return null;
        }
        var plan = pool.Slots.PlanOf(record.Generation)
            ?? throw new SupervisorException($"the saved state has worker {record.Pid} of generation {record.Generation}, whose plan it lacks");
        var state = Enum.Parse<WorkerState>(record.State);
        var report = state is WorkerState.Ready || record.Serving is not null || record.TakesConnections ? new ReadyReport(record.TakesConnections, record.Serving) : null;
        var lifecycle = new WorkerLifecycle(state, report, record.Connections, record.Drained, channel, record.DrainDeadline);
        if (restored.IsAdoption)
        {
            // What the worker said when it reattached is newer than what the dead supervisor last wrote.
            if (restored.Reattached.GetValueOrDefault(record.Pid) is { } back)
            {
                state = back.State switch { "ready" => WorkerState.Ready, "draining" => WorkerState.Draining, _ => WorkerState.HandedOff };
                bool draining = state == WorkerState.Draining;
                lifecycle = new WorkerLifecycle(state, new ReadyReport(back.TakesConnections, back.Serving), back.Connections, draining || record.Drained, channel,
                    draining ? record.DrainDeadline ?? DateTimeOffset.UtcNow + plan.Settings.Workers.DrainTimeout : null);
            }
            else if (record.Program is null)
            {
                // Our protocol's worker that did not come back within the window: not adopted; refused when it tries, it drains.
                handle.Dispose();
                return null;
            }
        }
        var program = record.Program is { } p ? ProgramState.From(p) : null;
        var worker = new WorkerProcess(handle, plan, record.Slot, record.Token, record.Restarts, program, record.StartedAt, lifecycle);
        if (record.Lowered) worker.MarkLowered();
        pool.TakeOver(worker);
        return worker;
    }

    /// <summary>
    /// Each hand-over a reattached worker sent and the dead supervisor never answered: a connection whose socket another
    /// worker now holds was received there (Taken: the sender closes its copy); any other never reached anyone
    /// (Resend: the sender sends it again, to this supervisor).
    /// </summary>
    private void AnswerPending(IReadOnlyDictionary<int, WorkerProcess> workers)
    {
        foreach (var (pid, back) in restored.Reattached)
        {
            if (back.Pending.Count == 0 || workers.GetValueOrDefault(pid)?.Channel is not { } channel) continue;
            var heldElsewhere = restored.Reattached.Where(r => r.Key != pid).SelectMany(r => r.Value.Held).ToHashSet();
            foreach (var pending in back.Pending)
            {
                bool taken = heldElsewhere.Contains(pending.Inode);
                try
                {
                    channel.Send(new HandOverResultMessage(pending.Id, taken, taken ? "" : "the supervisor that had it died: send it again", Resend: !taken));
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException)
                {
                    break; // it is gone: its exit is the pool's to see
                }
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
