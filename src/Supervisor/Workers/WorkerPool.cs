using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// The table of worker processes and the steps that change it: spawn, watch for exit, restart a crashed
/// worker of the serving generation with backoff, drain, and kill what does not drain by its deadline.
/// Every state change of a <see cref="WorkerProcess"/> happens under this pool's lock. Which generation
/// serves is decided by the <see cref="Upgrades.UpgradeCoordinator"/>; the pool only records it.
/// Each worker is spawned, restarted and drained by its own generation's <see cref="GenerationPlan"/>; the
/// restart backoff is the pool's, from the settings read at start.
/// A rolling upgrade (<see cref="Upgrades.RollingUpgrade"/>) hands slots from one generation to another one at
/// a time: meanwhile each slot has its own owner, and a crashed worker restarts when its generation owns its slot.
/// </summary>
internal sealed class WorkerPool(
    SupervisorSettings settings,
    WorkerSpawner spawner,
    StartPriority startPriority,
    Metrics.SupervisorMetrics metrics,
    ILogger<WorkerPool> logger) : IHostedService
{
    private readonly Lock _lock = new();
    private readonly List<WorkerProcess> _workers = [];
    private readonly RestartBackoff _backoff = new(settings.Workers.RestartBackoff, settings.Workers.MaxRestartBackoff);
    private readonly CancellationTokenSource _stopping = new();
    private int _serving;
    private int _lastGeneration;
    private string _lastUpgrade = "none";
    private (int Generation, int Moved, int Closed, string Reason) _lastRetirement = (0, 0, 0, "");
    // Slot -> the generation whose worker serves it, while that is not the serving generation for every slot
    // (mid-roll, or after a roll back that could not restore a slot). Empty: every slot is _serving's.
    private readonly Dictionary<int, int> _slotOwners = [];
    // The plan of every generation that still has a worker, serves or owns a slot: a roll back restores a
    // slot from its previous owner's plan even when none of that generation's workers is alive at the moment.
    private readonly Dictionary<int, GenerationPlan> _plans = [];

    /// <summary>The generation that serves now (0 before the first is ready).</summary>
    public int ServingGeneration { get { lock (_lock) return _serving; } }

    /// <summary>How the last upgrade ended, in words.</summary>
    public string LastUpgrade { get { lock (_lock) return _lastUpgrade; } }

    public IReadOnlyList<WorkerProcess> Workers { get { lock (_lock) return _workers.ToList(); } }

    /// <summary>Cancelled when the supervisor stops: nothing new is spawned, nothing waits any longer.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>True when the pool's lock can be taken within <paramref name="timeout"/>: it is not wedged.</summary>
    public bool IsResponsive(TimeSpan timeout)
    {
        if (!_lock.TryEnter(timeout)) return false;
        _lock.Exit();
        return true;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A new generation number, never used before.</summary>
    public int NextGeneration()
    {
        lock (_lock) return ++_lastGeneration;
    }

    /// <summary>
    /// Makes <paramref name="generation"/> the serving one and returns every other worker: the ones to
    /// drain now that it is ready.
    /// </summary>
    public IReadOnlyList<WorkerProcess> Promote(int generation, string lastUpgrade)
    {
        lock (_lock)
        {
            _serving = generation;
            _slotOwners.Clear();
            _backoff.Reset();
            _lastUpgrade = lastUpgrade;
            return _workers.Where(w => w.Generation != generation).ToList();
        }
    }

    /// <summary>
    /// Mid-roll: makes <paramref name="generation"/> the serving one (handed-over connections go to its ready
    /// workers; a worker of another generation may hand over once draining) while every slot keeps the owner
    /// it has until <see cref="GiveSlot"/> hands it on. Drains nothing.
    /// </summary>
    public void PromoteMidRoll(int generation, string lastUpgrade)
    {
        lock (_lock)
        {
            FillSlotOwnersLocked();
            _serving = generation;
            _backoff.Reset();
            _lastUpgrade = lastUpgrade;
        }
    }

    /// <summary>
    /// Slot to owning generation, every slot that has a worker or will get one after a crash: the serving
    /// generation's slots, or mid-roll each slot's own owner.
    /// </summary>
    public IReadOnlyDictionary<int, int> SlotOwners()
    {
        lock (_lock)
        {
            if (_slotOwners.Count > 0) return new Dictionary<int, int>(_slotOwners);
            return Enumerable.Range(0, _plans.GetValueOrDefault(_serving)?.Settings.Workers.Count ?? 0).ToDictionary(slot => slot, _ => _serving);
        }
    }

    /// <summary>
    /// Hands <paramref name="slot"/> to <paramref name="to"/>'s generation (null: to nobody, the slot is gone)
    /// and returns the slot's other workers: the ones to drain now. From here a crash of the slot's old worker
    /// is not restarted and a restart pending for it is dropped, while <paramref name="to"/> restarts if it
    /// crashes. Null, and nothing changes, when <paramref name="to"/> is no longer ready (it died meanwhile).
    /// </summary>
    public IReadOnlyList<WorkerProcess>? GiveSlot(int slot, WorkerProcess? to)
    {
        lock (_lock)
        {
            if (to is not null && to.State != WorkerState.Ready) return null;
            FillSlotOwnersLocked();
            if (to is not null) _slotOwners[slot] = to.Generation;
            else _slotOwners.Remove(slot);
            return _workers.Where(w => w.Slot == slot && w != to && !w.Retired).ToList();
        }
    }

    // Before the first slot changes hands, every slot of the serving generation's plan is its own.
    private void FillSlotOwnersLocked()
    {
        if (_slotOwners.Count > 0) return;
        foreach (int slot in Enumerable.Range(0, _plans.GetValueOrDefault(_serving)?.Settings.Workers.Count ?? 0))
            _slotOwners[slot] = _serving;
    }

    /// <summary>The plan <paramref name="generation"/> was built from, while it has workers, serves or owns a slot.</summary>
    public GenerationPlan? PlanOf(int generation)
    {
        lock (_lock) return _plans.GetValueOrDefault(generation);
    }

    /// <summary>Records, for status, where an upgrade in progress stands.</summary>
    public void RecordUpgradeProgress(string lastUpgrade)
    {
        lock (_lock) _lastUpgrade = lastUpgrade;
    }

    private bool OwnsSlotLocked(int generation, int slot) =>
        _slotOwners.Count > 0 ? _slotOwners.TryGetValue(slot, out int owner) && owner == generation : generation == _serving;

    /// <summary>The last generation that retired and what became of its connections: moved, closed.</summary>
    public (int Generation, int Moved, int Closed, string Reason) LastRetirement { get { lock (_lock) return _lastRetirement; } }

    /// <summary>Records, for status, how the last retired generation's connections ended, and why some were closed.</summary>
    public void RecordRetirement(int generation, int moved, int closed, string reason)
    {
        lock (_lock) _lastRetirement = (generation, moved, closed, reason);
    }

    /// <summary>Records a failed upgrade for status; the serving generation is not touched.</summary>
    public void RecordFailedUpgrade(string lastUpgrade)
    {
        lock (_lock) _lastUpgrade = lastUpgrade;
    }

    /// <summary>Spawns one worker of <paramref name="plan"/>'s generation into <paramref name="slot"/> and watches it.</summary>
    public WorkerProcess Spawn(GenerationPlan plan, int slot, int restarts)
    {
        WorkerProcess worker;
        // Spawn under the lock: the worker's Hello may arrive before Spawn returns, and must find it.
        lock (_lock)
        {
            worker = spawner.Spawn(plan, slot, restarts);
            _workers.Add(worker);
            _plans[plan.Generation] = plan;
            // Lowered while another generation serves this slot (an upgrade's new worker, all at once or rolling);
            // a crash restart in a slot its own generation owns, and generation 1, start at normal priority.
            startPriority.Lower(worker, _slotOwners.TryGetValue(slot, out int owner) ? owner : _serving);
        }
        SupervisorLog.WorkerSpawned(logger, worker.Pid, plan.Generation, slot);
        _ = WatchAsync(worker);
        return worker;
    }

    /// <summary>
    /// Finds the worker a control connection's Hello claims to be and marks it connected, or says why not.
    /// Only a process this pool spawned, presenting its own pid, generation and token, once, is taken.
    /// </summary>
    public WorkerProcess? TryConnect(int peerPid, HelloMessage hello, ControlChannel channel, out string refusal)
    {
        lock (_lock)
        {
            var worker = _workers.Find(w => w.Pid == peerPid);
            refusal = worker is null ? "not a worker this supervisor spawned"
                : hello.Pid != peerPid ? $"claims pid {hello.Pid}"
                : hello.Generation != worker.Generation ? $"claims generation {hello.Generation}, was spawned for {worker.Generation}"
                : !worker.Presents(hello.Token) ? "wrong token"
                : worker.State != WorkerState.Spawned ? $"already said hello (state {worker.State})"
                : "";
            if (refusal.Length > 0) return null;
            worker!.State = WorkerState.Connected;
            worker.Channel = channel; // the worker owns its channel from here; disposed when it exits
            channel.Peer = worker.ToString();
            return worker;
        }
    }

    /// <summary>Moves a worker forward from <paramref name="from"/> to <paramref name="to"/>; no change from any other state.</summary>
    public bool Advance(WorkerProcess worker, WorkerState from, WorkerState to)
    {
        lock (_lock)
        {
            if (worker.State != from) return false;
            worker.State = to;
            if (to == WorkerState.Ready) startPriority.Raise(worker);
            return true;
        }
    }

    private async Task WatchAsync(WorkerProcess worker)
    {
        await worker.Process.WaitForExitAsync().ConfigureAwait(false);
        bool restart;
        WorkerState stateAtExit;
        var uptime = DateTimeOffset.UtcNow - worker.StartedAt;
        lock (_lock)
        {
            worker.ExitCode = worker.Process.ExitCode;
            stateAtExit = worker.State;
            worker.State = WorkerState.Exited;
            _workers.Remove(worker);
            restart = !_stopping.IsCancellationRequested && !worker.Retired && OwnsSlotLocked(worker.Generation, worker.Slot);
            if (!restart && worker.Generation != _serving && !_slotOwners.ContainsValue(worker.Generation) && !_workers.Any(w => w.Generation == worker.Generation))
                _plans.Remove(worker.Generation);
        }
        // A systemd-protocol worker's children die with it: none may keep the listening sockets.
        if (worker.Program is not null) ProgramSignals.KillGroup(worker);
        // Release what the worker held here before saying it is gone, so "exited" means its fds are closed.
        worker.MarkFailed(worker.Program is null
            ? $"exited with code {worker.ExitCode} before it reported ready"
            : $"program {worker.Program.Path} exited with code {worker.ExitCode} before it was ready{(worker.Program.ExecAnnounced ? "" : " (the launcher exited before its exec)")}");
        worker.Channel?.Dispose();
        worker.Process.Dispose();
        if (!worker.Retired)
        {
            SupervisorLog.WorkerCrashed(logger, worker.Pid, worker.Generation, worker.ExitCode.Value, stateAtExit.ToString(), uptime.TotalSeconds);
            metrics.WorkerCrashed();
        }
        else
            SupervisorLog.WorkerExited(logger, worker.Pid, worker.Generation, worker.ExitCode.Value);
        worker.MarkExited();
        if (restart) ScheduleRestart(worker.Plan, worker.Slot, uptime);
    }

    private void ScheduleRestart(GenerationPlan plan, int slot, TimeSpan uptime)
    {
        (int crashes, TimeSpan delay) next;
        lock (_lock) next = _backoff.Next(slot, uptime);
        SupervisorLog.WorkerRestartScheduled(logger, plan.Generation, slot, next.delay.TotalMilliseconds, next.crashes);
        metrics.WorkerRestartScheduled();
        _ = RestartLaterAsync(plan, slot, next.crashes, next.delay);
    }

    private async Task RestartLaterAsync(GenerationPlan plan, int slot, int crashes, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        lock (_lock)
        {
            // An upgrade since the crash replaced the slot already (mid-roll: handed it to another generation).
            if (!OwnsSlotLocked(plan.Generation, slot)) return;
            try
            {
                // Still under the lock (it is reentrant): a roll cannot hand the slot on between the check and the spawn.
                Spawn(plan, slot, crashes);
            }
            catch (SupervisorException e)
            {
                SupervisorLog.WorkerRestartFailed(logger, plan.Generation, slot, e.Message);
                ScheduleRestart(plan, slot, TimeSpan.Zero);
            }
        }
    }

    /// <summary>
    /// Tells a worker to drain: stop accepting, finish, exit within the drain timeout; killed then.
    /// A worker that never connected holds no listener and is killed at once.
    /// </summary>
    public void Drain(WorkerProcess worker, string reason) => Drain(worker, reason, worker.Plan.Settings.Workers.DrainTimeout);

    /// <param name="closeIdleAfter">How long the worker keeps idle keep-alive connections open (answering
    /// any request on them with Connection: close) before closing them. Upgrades give the whole drain time:
    /// the new generation serves meanwhile, and every client gets a clean close. A stopping supervisor gives
    /// little: nothing accepts until the next one runs.</param>
    private void Drain(WorkerProcess worker, string reason, TimeSpan closeIdleAfter)
    {
        ControlChannel? channel;
        lock (_lock)
        {
            if (worker.State is WorkerState.Draining or WorkerState.Exited) return;
            worker.Retired = true;
            channel = worker.State == WorkerState.Spawned ? null : worker.Channel;
            worker.State = WorkerState.Draining;
        }
        var timeout = worker.Plan.Settings.Workers.DrainTimeout;
        SupervisorLog.WorkerDraining(logger, worker.Pid, worker.Generation, reason, timeout.TotalMilliseconds);
        bool told = false;
        if (worker.Program is not null)
        {
            // No control connection after the exec: the drain is a signal to the whole process group
            // (a launcher not yet exec'd stops on it as well; one without a group yet is killed below).
            told = ProgramSignals.Drain(worker, worker.Plan.Settings.Workers.DrainSignal);
        }
        else if (channel is not null)
        {
            try
            {
                channel.Send(new DrainMessage((int)timeout.TotalMilliseconds, reason, (int)Math.Min(closeIdleAfter.TotalMilliseconds, timeout.TotalMilliseconds)));
                told = true;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                SupervisorLog.WorkerUnreachable(logger, worker.Pid, worker.Generation, e.Message);
            }
        }
        if (!told) Kill(worker, "not connected, nothing to drain");
        _ = KillAtDeadlineAsync(worker, timeout);
    }

    private async Task KillAtDeadlineAsync(WorkerProcess worker, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            if (left > TimeSpan.Zero && await Task.WhenAny(worker.Exited, Task.Delay(left)).ConfigureAwait(false) == worker.Exited) return;
            // EXTEND_TIMEOUT_USEC= from a systemd-protocol worker pushes its deadline out.
            var extended = worker.Program?.ExtendUntil ?? default;
            if (extended <= DateTimeOffset.UtcNow) break;
            deadline = extended;
        }
        Kill(worker, $"did not drain within {(DateTimeOffset.UtcNow - deadline + timeout).TotalSeconds:0.#} s");
        metrics.WorkerKilledAtDeadline();
    }

    /// <summary>Kills a worker now (SIGKILL; its whole process group for a systemd-protocol worker).</summary>
    internal void Kill(WorkerProcess worker, string why)
    {
        lock (_lock)
        {
            // .NET reaps a child on SIGCHLD, before WatchAsync takes this lock to mark it exited: HasExited sees a
            // reaped one, so the pid can only be reused in the instant between this check and the kill (as with
            // Process.Kill).
            if (worker.State == WorkerState.Exited || worker.Process.HasExited) return;
            SupervisorLog.WorkerKilled(logger, worker.Pid, worker.Generation, why);
            Unix.ProcessSignals.Kill(worker.Pid);
            if (worker.Program is not null) ProgramSignals.KillGroup(worker);
        }
    }

    /// <summary>
    /// The worker a notification from <paramref name="senderPid"/> counts for: the systemd-protocol worker of that
    /// pid (or of the pid it named with MAINPID=), or with <paramref name="anyInSession"/> the one whose session
    /// the sender is in. Null for a stranger.
    /// </summary>
    public WorkerProcess? FindNotifier(int senderPid, int? senderSession, bool anyInSession)
    {
        lock (_lock)
        {
            return _workers.Find(w => w.Program is not null && w.State != WorkerState.Exited && (w.Pid == senderPid || w.Program.MainPid == senderPid))
                ?? (anyInSession && senderSession is int sid ? _workers.Find(w => w.Program is not null && w.State != WorkerState.Exited && w.Pid == sid) : null);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        List<WorkerProcess> all;
        lock (_lock) all = _workers.ToList();
        foreach (var w in all) Drain(w, "supervisor stopping", w.Plan.Settings.Workers.StopCloseIdleAfter);
        var exits = Task.WhenAll(all.Select(w => w.Exited));
        var longest = all.Select(w => w.Plan.Settings.Workers.DrainTimeout).DefaultIfEmpty(settings.Workers.DrainTimeout).Max();
        await Task.WhenAny(exits, Task.Delay(longest + TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
    }
}
