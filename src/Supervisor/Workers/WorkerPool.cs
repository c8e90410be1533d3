using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// Runs the workers: spawns a generation and waits for it to be ready, hands each worker the listeners
/// when it proves who it is, restarts crashed workers of the serving generation with backoff, drains
/// a generation once its successor is ready, and kills what does not drain by its deadline.
/// </summary>
public sealed class WorkerPool(
    SupervisorSettings settings,
    ListenerSet listeners,
    WorkerSpawner spawner,
    ILogger<WorkerPool> logger) : IHostedService
{
    /// <summary>A worker that ran this long before crashing starts its slot's backoff afresh.</summary>
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly List<WorkerProcess> _workers = [];
    private readonly Dictionary<int, int> _crashesInARow = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _serving;
    private int _lastGeneration;
    private string _lastUpgrade = "none";

    /// <summary>The generation that serves now (0 before the first is ready).</summary>
    public int ServingGeneration { get { lock (_lock) return _serving; } }

    /// <summary>How the last upgrade ended, in words.</summary>
    public string LastUpgrade { get { lock (_lock) return _lastUpgrade; } }

    public IReadOnlyList<WorkerProcess> Workers { get { lock (_lock) return _workers.ToList(); } }

    /// <summary>True when the pool's lock can be taken within <paramref name="timeout"/>: it is not wedged.</summary>
    public bool IsResponsive(TimeSpan timeout)
    {
        if (!_lock.TryEnter(timeout)) return false;
        _lock.Exit();
        return true;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outcome = await StartGenerationAsync().ConfigureAwait(false);
        if (!outcome.Ok)
            throw new SupervisorException($"generation {outcome.Generation} did not become ready: {outcome.Reason}");
        lock (_lock) _serving = outcome.Generation;
        SupervisorLog.GenerationServing(logger, outcome.Generation, settings.Workers.Count, outcome.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Starts generation g+1; once every new worker is ready, drains the rest. If the new generation
    /// fails or times out it is stopped and the serving one is not touched (invariant 5).
    /// </summary>
    public async Task<UpgradeResult> UpgradeAsync(string reason)
    {
        int previous = ServingGeneration;
        SupervisorLog.UpgradeStarting(logger, previous, reason);
        var outcome = await StartGenerationAsync().ConfigureAwait(false);
        if (!outcome.Ok)
        {
            lock (_lock) _lastUpgrade = $"to generation {outcome.Generation} failed: {outcome.Reason}";
            SupervisorLog.UpgradeFailed(logger, outcome.Generation, previous, outcome.Reason);
            return new UpgradeResult(false, previous, previous, outcome.Reason, outcome.Elapsed.TotalMilliseconds);
        }

        List<WorkerProcess> retiring;
        lock (_lock)
        {
            _serving = outcome.Generation;
            _crashesInARow.Clear();
            _lastUpgrade = $"to generation {outcome.Generation} ok ({outcome.Elapsed.TotalMilliseconds:0} ms)";
            retiring = _workers.Where(w => w.Generation != outcome.Generation).ToList();
        }
        // Invariant 2: the old generation hears "drain" only now that its successor is ready.
        foreach (var w in retiring) Drain(w, $"upgrade to generation {outcome.Generation}");
        SupervisorLog.UpgradeDone(logger, outcome.Generation, previous, outcome.Elapsed.TotalMilliseconds);
        return new UpgradeResult(true, outcome.Generation, previous, "", outcome.Elapsed.TotalMilliseconds);
    }

    private async Task<GenerationOutcome> StartGenerationAsync()
    {
        var clock = Stopwatch.StartNew();
        int generation;
        lock (_lock) generation = ++_lastGeneration;
        var started = new List<WorkerProcess>();
        try
        {
            for (int slot = 0; slot < settings.Workers.Count; slot++)
                started.Add(SpawnTracked(generation, slot, restarts: 0));

            var pending = started.Select(w => w.Ready).ToList();
            using var timeout = new CancellationTokenSource(settings.Workers.ReadyTimeout);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending).WaitAsync(linked.Token).ConfigureAwait(false);
                await done.ConfigureAwait(false); // throws WorkerFailedException if that worker died first
                pending.Remove(done);
            }
            return new GenerationOutcome(generation, true, "", clock.Elapsed);
        }
        catch (Exception e) when (e is OperationCanceledException or WorkerFailedException or SupervisorException)
        {
            string reason = e switch
            {
                OperationCanceledException when _stopping.IsCancellationRequested => "the supervisor is stopping",
                OperationCanceledException =>
                    $"{started.Count(w => !w.Ready.IsCompletedSuccessfully)} of {settings.Workers.Count} workers not ready after {settings.Workers.ReadyTimeout.TotalSeconds:0.#} s ({string.Join(", ", started.Where(w => !w.Ready.IsCompletedSuccessfully).Select(w => $"pid {w.Pid} {w.State.ToString().ToLowerInvariant()}"))})",
                _ => e.Message,
            };
            foreach (var w in started) Drain(w, $"generation {generation} rolled back");
            return new GenerationOutcome(generation, false, reason, clock.Elapsed);
        }
    }

    private WorkerProcess SpawnTracked(int generation, int slot, int restarts)
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
            SupervisorLog.WorkerCrashed(logger, worker.Pid, worker.Generation, worker.ExitCode.Value, stateAtExit.ToString(), uptime.TotalSeconds);
        else
            SupervisorLog.WorkerExited(logger, worker.Pid, worker.Generation, worker.ExitCode.Value);
        worker.MarkExited();
        if (restart) ScheduleRestart(worker.Generation, worker.Slot, uptime);
    }

    private void ScheduleRestart(int generation, int slot, TimeSpan uptime)
    {
        int crashes;
        lock (_lock)
        {
            if (uptime >= StableUptime) _crashesInARow[slot] = 0;
            crashes = _crashesInARow[slot] = _crashesInARow.GetValueOrDefault(slot) + 1;
        }
        var delay = TimeSpan.FromTicks(Math.Min(settings.Workers.MaxRestartBackoff.Ticks,
            settings.Workers.RestartBackoff.Ticks * (1L << Math.Min(crashes - 1, 30))));
        SupervisorLog.WorkerRestartScheduled(logger, generation, slot, delay.TotalMilliseconds, crashes);
        _ = RestartLaterAsync(generation, slot, crashes, delay);
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
            SpawnTracked(generation, slot, crashes);
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
            Kill(worker, $"did not drain within {timeout.TotalSeconds:0.#} s");
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

    /// <summary>
    /// A control connection said Hello: hands the listeners over if, and only if, the peer is a worker
    /// this pool spawned, for that generation, presenting its token (invariant 3). Takes ownership
    /// of <paramref name="channel"/>. Returns when the connection ends.
    /// </summary>
    public async Task AttachAsync(ControlChannel channel, PeerCredentials peer, HelloMessage hello)
    {
        WorkerProcess? worker;
        string? refusal;
        lock (_lock)
        {
            worker = _workers.Find(w => w.Pid == peer.Pid);
            refusal = worker is null ? "not a worker this supervisor spawned"
                : hello.Pid != peer.Pid ? $"claims pid {hello.Pid}"
                : hello.Generation != worker.Generation ? $"claims generation {hello.Generation}, was spawned for {worker.Generation}"
                : !TokenMatches(worker.Token, hello.Token) ? "wrong token"
                : worker.State != WorkerState.Spawned ? $"already said hello (state {worker.State})"
                : null;
            if (refusal is null)
            {
                worker!.State = WorkerState.Connected;
                worker.Channel = channel; // the worker owns its channel from here; disposed when it exits
                channel.Peer = worker.ToString();
            }
        }
        if (refusal is not null)
        {
            SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, refusal);
            try { channel.Send(new ErrorMessage("refused: " + refusal)); } catch (IOException) { }
            channel.Dispose();
            return;
        }

        try
        {
            HandOff(worker!, channel);
        }
        catch (IOException e)
        {
            SupervisorLog.HandoffFailed(logger, worker!.Pid, worker.Generation, e.Message);
            Drain(worker, "hand-off failed");
            return;
        }
        await ReceiveFromWorkerAsync(worker!, channel).ConfigureAwait(false);
    }

    private void HandOff(WorkerProcess worker, ControlChannel channel)
    {
        var all = listeners.All;
        var clock = Stopwatch.StartNew();
        int batches = Math.Max(1, (all.Count + FdPassing.MaxDescriptorsPerMessage - 1) / FdPassing.MaxDescriptorsPerMessage);
        for (int b = 0; b < batches; b++)
        {
            var batch = all.Skip(b * FdPassing.MaxDescriptorsPerMessage).Take(FdPassing.MaxDescriptorsPerMessage).ToList();
            var entries = batch.Select(l => new ListenerEntry(l.Spec.Name, l.Spec.Address, l.Spec.Backlog)).ToList();
            // The supervisor keeps its descriptors; the kernel installs copies in the worker.
            channel.Send(new ListenersMessage(b, b == batches - 1, all.Count, entries), batch.Select(l => l.Fd).ToArray());
        }
        lock (_lock)
        {
            if (worker.State == WorkerState.Connected) worker.State = WorkerState.HandedOff;
        }
        SupervisorLog.HandedOff(logger, worker.Pid, worker.Generation, all.Count, clock.Elapsed.TotalMilliseconds);
    }

    private async Task ReceiveFromWorkerAsync(WorkerProcess worker, ControlChannel channel)
    {
        try
        {
            while (true)
            {
                using var frame = await channel.ReceiveAsync(_stopping.Token).ConfigureAwait(false);
                if (frame is null) return;
                switch (frame.Kind)
                {
                    case MessageKind.Ready:
                        lock (_lock)
                        {
                            if (worker.State == WorkerState.HandedOff) worker.State = WorkerState.Ready;
                        }
                        SupervisorLog.WorkerReady(logger, worker.Pid, worker.Generation, (DateTimeOffset.UtcNow - worker.StartedAt).TotalMilliseconds);
                        worker.MarkReady();
                        break;
                    case MessageKind.Bye:
                        SupervisorLog.WorkerBye(logger, worker.Pid, worker.Generation);
                        break;
                    default:
                        // Disposing the frame closes any descriptor it carried.
                        SupervisorLog.UnexpectedMessage(logger, worker.Pid, worker.Generation, frame.Kind.ToString(), frame.DescriptorCount);
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ProtocolException e)
        {
            SupervisorLog.BadMessage(logger, worker.Pid, worker.Generation, e.Message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The worker closed or died; its exit is handled by WatchAsync.
        }
    }

    private static bool TokenMatches(string expected, string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(presented ?? ""));

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
