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
/// </summary>
internal sealed class WorkerPool(
    SupervisorSettings settings,
    WorkerSpawner spawner,
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
            _backoff.Reset();
            _lastUpgrade = lastUpgrade;
            return _workers.Where(w => w.Generation != generation).ToList();
        }
    }

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

    /// <summary>Spawns one worker of <paramref name="generation"/> into <paramref name="slot"/> and watches it.</summary>
    public WorkerProcess Spawn(int generation, int slot, int restarts)
    {
        WorkerProcess worker;
        // Spawn under the lock: the worker's Hello may arrive before Spawn returns, and must find it.
        lock (_lock)
        {
            worker = spawner.Spawn(generation, slot, restarts);
            _workers.Add(worker);
        }
        SupervisorLog.WorkerSpawned(logger, worker.Pid, generation, slot);
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
            restart = !_stopping.IsCancellationRequested && !worker.Retired && worker.Generation == _serving;
        }
        // Release what the worker held here before saying it is gone, so "exited" means its fds are closed.
        worker.MarkFailed($"exited with code {worker.ExitCode} before it reported ready");
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
        if (restart) ScheduleRestart(worker.Generation, worker.Slot, uptime);
    }

    private void ScheduleRestart(int generation, int slot, TimeSpan uptime)
    {
        (int crashes, TimeSpan delay) next;
        lock (_lock) next = _backoff.Next(slot, uptime);
        SupervisorLog.WorkerRestartScheduled(logger, generation, slot, next.delay.TotalMilliseconds, next.crashes);
        metrics.WorkerRestartScheduled();
        _ = RestartLaterAsync(generation, slot, next.crashes, next.delay);
    }

    private async Task RestartLaterAsync(int generation, int slot, int crashes, TimeSpan delay)
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
            // An upgrade since the crash replaced the slot already.
            if (generation != _serving) return;
        }
        try
        {
            Spawn(generation, slot, crashes);
        }
        catch (SupervisorException e)
        {
            SupervisorLog.WorkerRestartFailed(logger, generation, slot, e.Message);
            ScheduleRestart(generation, slot, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Tells a worker to drain: stop accepting, finish, exit within the drain timeout; killed then.
    /// A worker that never connected holds no listener and is killed at once.
    /// </summary>
    public void Drain(WorkerProcess worker, string reason) => Drain(worker, reason, settings.Workers.DrainTimeout);

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
        var timeout = settings.Workers.DrainTimeout;
        SupervisorLog.WorkerDraining(logger, worker.Pid, worker.Generation, reason, timeout.TotalMilliseconds);
        bool told = false;
        if (channel is not null)
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
        if (await Task.WhenAny(worker.Exited, Task.Delay(timeout)).ConfigureAwait(false) != worker.Exited)
        {
            Kill(worker, $"did not drain within {timeout.TotalSeconds:0.#} s");
            metrics.WorkerKilledAtDeadline();
        }
    }

    private void Kill(WorkerProcess worker, string why)
    {
        lock (_lock)
        {
            if (worker.State == WorkerState.Exited) return;
            SupervisorLog.WorkerKilled(logger, worker.Pid, worker.Generation, why);
            // Still unreaped (the pool removes it on exit under this lock), so the pid is still this worker.
            Unix.ProcessSignals.Kill(worker.Pid);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        List<WorkerProcess> all;
        lock (_lock) all = _workers.ToList();
        foreach (var w in all) Drain(w, "supervisor stopping", settings.Workers.StopCloseIdleAfter);
        var exits = Task.WhenAll(all.Select(w => w.Exited));
        await Task.WhenAny(exits, Task.Delay(settings.Workers.DrainTimeout + TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
    }
}
