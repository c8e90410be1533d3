using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// The spawn and exit steps of a worker's life: spawns a worker of a generation's plan into a slot (into the
/// <see cref="WorkerTable"/>, its plan kept by the <see cref="SlotTable"/>, lowered by <see cref="StartPriority"/>),
/// watches it, and at its exit releases what it held, logs a crash or an exit and hands a crash in a slot its
/// generation owns to <see cref="CrashRestarts"/>. At stop it drains every worker and waits for them.
/// Which generation serves is the upgrade strategies' to decide (<see cref="Promote"/>); the state each of these
/// steps changes has its own owner, named above.
/// </summary>
internal sealed class WorkerPool : IHostedService
{
    private readonly SupervisorSettings _settings;
    private readonly WorkerSpawner _spawner;
    private readonly StartPriority _startPriority;
    private readonly WorkerDrain _drain;
    private readonly Metrics.SupervisorMetrics _metrics;
    private readonly ILogger<WorkerPool> _logger;
    private readonly CancellationTokenSource _stopping = new();

    public WorkerPool(SupervisorSettings settings, WorkerTable table, SlotTable slots, WorkerSpawner spawner, StartPriority startPriority,
        WorkerDrain drain, Metrics.SupervisorMetrics metrics, ILogger<WorkerPool> logger)
    {
        (_settings, Table, Slots, _spawner, _startPriority, _drain, _metrics, _logger) = (settings, table, slots, spawner, startPriority, drain, metrics, logger);
        Restarts = new CrashRestarts(new RestartBackoff(settings.Workers.RestartBackoff, settings.Workers.MaxRestartBackoff), slots, Spawn, metrics, logger, _stopping.Token);
    }

    public WorkerTable Table { get; }
    public SlotTable Slots { get; }
    public CrashRestarts Restarts { get; }

    /// <summary>Cancelled when the supervisor stops: nothing new is spawned, nothing waits any longer.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Spawns one worker of <paramref name="plan"/>'s generation into <paramref name="slot"/> and watches it.</summary>
    public WorkerProcess Spawn(GenerationPlan plan, int slot, int restarts)
    {
        var worker = Slots.Spawn(plan, () => Table.Add(() => _spawner.Spawn(plan, slot, restarts)));
        // Lowered while another generation serves this slot (an upgrade's new worker, all at once or rolling);
        // a crash restart in a slot its own generation owns, and generation 1, start at normal priority.
        _startPriority.Lower(worker, Slots.OwnerOf(slot));
        SupervisorLog.WorkerSpawned(_logger, worker.Pid, plan.Generation, slot);
        _ = WatchAsync(worker);
        return worker;
    }

    /// <summary>
    /// A worker this image did not spawn (the previous image's, after a re-exec; a dead supervisor's, adopted): into the
    /// table, and watched from now on like any other.
    /// </summary>
    public void TakeOver(WorkerProcess worker)
    {
        Table.Add(() => worker);
        _ = WatchAsync(worker);
    }

    /// <summary>
    /// Makes <paramref name="generation"/> the serving one, owner of every slot, with a fresh restart backoff, and
    /// returns every other worker: the ones to drain now that it is ready.
    /// </summary>
    public IReadOnlyList<WorkerProcess> Promote(int generation)
    {
        Slots.Promote(generation);
        Restarts.Reset();
        return Table.Where(w => w.Generation != generation);
    }

    /// <summary>Mid-roll: <paramref name="generation"/> serves while each slot keeps its owner (<see cref="SlotTable.PromoteMidRoll"/>).</summary>
    public void PromoteMidRoll(int generation)
    {
        Slots.PromoteMidRoll(generation);
        Restarts.Reset();
    }

    /// <summary>The Ready step: <paramref name="worker"/> is ready if its lifecycle moves there, raised back to normal priority, logged.</summary>
    public bool MarkReady(WorkerProcess worker, ReadyReport report, bool fromConnected = false)
    {
        return worker.Lifecycle.TryReady(report, fromConnected, () =>
        {
            _startPriority.Raise(worker);
            SupervisorLog.WorkerReady(_logger, worker.Pid, worker.Generation, (DateTimeOffset.UtcNow - worker.StartedAt).TotalMilliseconds);
        });
    }

    private async Task WatchAsync(WorkerProcess worker)
    {
        int exitCode = await worker.Process.WaitForExitAsync().ConfigureAwait(false) ?? -1; // -1: not our child, code unknown
        var uptime = DateTimeOffset.UtcNow - worker.StartedAt;
        var stateAtExit = worker.Lifecycle.Exit(exitCode, worker.Failure(worker.Program is null
            ? $"exited with code {exitCode} before it reported ready"
            : $"program {worker.Program.Path} exited with code {exitCode} before it was ready{(worker.Program.ExecAnnounced ? "" : " (the launcher exited before its exec)")}"));
        Table.Remove(worker);
        bool restart = !_stopping.IsCancellationRequested && !worker.Retired && Slots.Owns(worker.Generation, worker.Slot);
        if (!restart) Slots.ForgetIfUnused(worker.Generation);
        // A systemd-protocol worker's children die with it: none may keep the listening sockets.
        if (worker.Program is not null) ProgramSignals.KillGroup(worker);
        // Release what the worker held here before saying it is gone, so "exited" means its fds are closed.
        worker.Channel?.Dispose();
        worker.Process.Dispose();
        if (!worker.Retired)
        {
            SupervisorLog.WorkerCrashed(_logger, worker.Pid, worker.Generation, exitCode, stateAtExit.ToString(), uptime.TotalSeconds);
            _metrics.WorkerCrashed();
        }
        else
            SupervisorLog.WorkerExited(_logger, worker.Pid, worker.Generation, exitCode);
        worker.Lifecycle.MarkGone();
        if (restart) Restarts.Schedule(worker.Plan, worker.Slot, uptime);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        var all = Table.All;
        foreach (var w in all) _drain.Drain(w, "supervisor stopping", w.Plan.Settings.Workers.StopCloseIdleAfter);
        var exits = Task.WhenAll(all.Select(w => w.Exited));
        var longest = all.Select(w => w.Plan.Settings.Workers.DrainTimeout).DefaultIfEmpty(_settings.Workers.DrainTimeout).Max();
        await Task.WhenAny(exits, Task.Delay(longest + TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
    }
}
