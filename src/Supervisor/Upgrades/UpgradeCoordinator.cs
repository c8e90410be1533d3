using System.Diagnostics;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The life of a generation from spawn to serving: starts generation 1 at start-up; for an upgrade, spawns
/// generation g+1, holds it at the <see cref="ReadinessGate"/>, then either promotes it and drains the rest
/// (invariant 2: only now) or rolls it back and leaves the serving generation untouched (invariant 5).
/// With <c>Workers:Strategy = "rolling"</c> an upgrade goes slot by slot instead (<see cref="RollingUpgrade"/>);
/// generation 1 always starts all at once, there is nothing to roll from.
/// One upgrade at a time: callers go through the <see cref="UpgradeQueue"/>. An upgrade is a reload: it reads
/// the configuration again and builds the new generation's plan from it, or refuses it before touching anything.
/// </summary>
internal sealed class UpgradeCoordinator(
    SupervisorSettings settings,
    ConfigurationSource configuration,
    ListenerSet listeners,
    WorkerPool pool,
    RollingUpgrade rolling,
    GenerationRetirement retirement,
    Metrics.SupervisorMetrics metrics,
    ILogger<UpgradeCoordinator> logger) : IHostedService
{
    private volatile GenerationPlan? _serving;

    /// <summary>Generation 1: the supervisor does not start serving without it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var plan = new GenerationPlan(pool.NextGeneration(), settings, listeners.All);
        var outcome = await StartGenerationAsync(plan).ConfigureAwait(false);
        if (!outcome.Ok)
            throw new SupervisorException($"generation {outcome.Generation} did not become ready: {outcome.Reason}");
        _serving = plan;
        pool.Promote(outcome.Generation, "none");
        SupervisorLog.GenerationServing(logger, outcome.Generation, settings.Workers.Count, outcome.Elapsed.TotalMilliseconds);
    }

    /// <summary>Replaces the serving generation, or leaves it serving and says why not.</summary>
    public async Task<UpgradeResult> UpgradeAsync(string reason)
    {
        var clock = Stopwatch.StartNew();
        int previous = pool.ServingGeneration;
        SupervisorLog.UpgradeStarting(logger, previous, reason);
        var serving = _serving!;
        // Read and check everything, bind what is new, before a worker is spawned; a refusal touches nothing.
        GenerationPlan plan;
        ListenerChange change;
        try
        {
            var next = configuration.Read();
            StartOnlySettings.Check(settings, next);
            int generation = pool.NextGeneration();
            change = listeners.Prepare(next, serving.Listeners, generation);
            plan = new GenerationPlan(generation, next, change.Planned);
            SupervisorLog.ReloadConfigurationRead(logger, next.Version.ToString(), generation, string.Join(", ", plan.Listeners.Select(l => l.Spec.Name)));
        }
        catch (Exception e) when (FatalError.Describe(e) is { } refusal)
        {
            SupervisorLog.ReloadRefused(logger, previous, refusal.Message);
            pool.RecordFailedUpgrade($"reload refused: {refusal.Message}");
            // A failed upgrade for the metrics too: a deploy whose configuration is refused must raise the alert.
            metrics.UpgradeFinished(ok: false, clock.Elapsed);
            return new UpgradeResult(false, previous, previous, $"configuration refused: {refusal.Message}", 0);
        }

        if (plan.Settings.Workers.Strategy == UpgradeStrategy.Rolling) return await RollAsync(plan, change, previous).ConfigureAwait(false);
        GenerationOutcome outcome;
        try
        {
            outcome = await StartGenerationAsync(plan).ConfigureAwait(false);
        }
        catch
        {
            // A failure nobody foresaw: what was bound or re-listened for the new generation is undone all the same.
            listeners.RollBack(change);
            throw;
        }
        if (!outcome.Ok)
        {
            listeners.RollBack(change);
            pool.RecordFailedUpgrade($"to generation {outcome.Generation} failed: {outcome.Reason}");
            SupervisorLog.UpgradeFailed(logger, outcome.Generation, previous, outcome.Reason);
            metrics.UpgradeFinished(ok: false, outcome.Elapsed);
            return new UpgradeResult(false, previous, previous, outcome.Reason, outcome.Elapsed.TotalMilliseconds);
        }

        listeners.Commit(change);
        _serving = plan;
        var retiring = pool.Promote(outcome.Generation, $"to generation {outcome.Generation} ok ({outcome.Elapsed.TotalMilliseconds:0} ms)");
        // Invariant 2: the old generation hears "drain" only now that its successor is ready.
        foreach (var w in retiring) pool.Drain(w, $"upgrade to generation {outcome.Generation}");
        SupervisorLog.UpgradeDone(logger, outcome.Generation, previous, outcome.Elapsed.TotalMilliseconds);
        metrics.UpgradeFinished(ok: true, outcome.Elapsed);
        foreach (var old in retiring.GroupBy(w => w.Generation))
            _ = ReportRetirementAsync(old.Key, outcome.Generation, old.ToList());
        _ = CloseDroppedListenersAsync(retiring);
        return new UpgradeResult(true, outcome.Generation, previous, "", outcome.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// The rolling strategy (read from the configuration being upgraded to): <see cref="RollingUpgrade"/> replaces
    /// the slots one at a time, or rolls the replaced ones back; the listener change is committed or rolled back
    /// with it (committed when a slot keeps the new plan's worker). Every old worker has exited when it returns,
    /// so a dropped listener closes at once.
    /// </summary>
    private async Task<UpgradeResult> RollAsync(GenerationPlan plan, ListenerChange change, int previous)
    {
        var clock = Stopwatch.StartNew();
        var rolled = await rolling.RunAsync(plan, previous).ConfigureAwait(false);
        metrics.UpgradeFinished(rolled.Ok, clock.Elapsed);
        if (!rolled.Ok)
        {
            // A slot that could not be rolled back keeps the new plan's worker, which holds the new listeners and
            // is restarted from that plan if it crashes: they stay (closed once no plan in use lists them).
            if (pool.SlotOwners().Values.Contains(plan.Generation))
            {
                listeners.Commit(change);
                _ = CloseDroppedListenersAsync([]);
            }
            else
                listeners.RollBack(change);
            return rolled;
        }
        listeners.Commit(change);
        _serving = plan;
        _ = CloseDroppedListenersAsync([]);
        return rolled;
    }

    /// <summary>
    /// Once every worker of a retired generation has exited: how long its drain took and what became of its
    /// established connections (moved, kept and closed by the worker, closed by the supervisor).
    /// </summary>
    private async Task ReportRetirementAsync(int generation, int successor, IReadOnlyList<WorkerProcess> workers)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(w => w.Exited)).ConfigureAwait(false);
        retirement.Report(generation, successor, clock.Elapsed);
    }

    /// <summary>
    /// A listener the new generation was not handed is closed once every worker that holds it has exited
    /// (the retiring generations'): until then they still accept on it while they drain.
    /// </summary>
    private async Task CloseDroppedListenersAsync(IReadOnlyList<WorkerProcess> retiring)
    {
        await Task.WhenAll(retiring.Select(w => w.Exited)).ConfigureAwait(false);
        // A slot's owner counts even with no live worker: a crashed one is restarted from its plan.
        var owners = pool.SlotOwners().Values.Distinct().Select(pool.PlanOf).OfType<GenerationPlan>();
        var inUse = pool.Workers.Select(w => w.Plan).Concat(owners).SelectMany(p => p.Listeners).Concat(_serving?.Listeners ?? []).ToHashSet();
        listeners.CloseUnused(inUse);
    }

    /// <summary>
    /// Spawns every slot of a new generation of <paramref name="plan"/> and waits at the gate; a generation
    /// that fails is drained, also when an unexpected exception goes on to the caller.
    /// </summary>
    private async Task<GenerationOutcome> StartGenerationAsync(GenerationPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var from = plan.Settings;
        int generation = plan.Generation;
        var started = new List<WorkerProcess>();
        string? failure;
        try
        {
            for (int slot = 0; slot < from.Workers.Count; slot++)
                started.Add(pool.Spawn(plan, slot, restarts: 0));
            failure = await ReadinessGate.WaitAllReadyAsync(started, from.Workers.ReadyTimeout, pool.Stopping).ConfigureAwait(false);
        }
        catch (SupervisorException e)
        {
            failure = e.Message;
        }
        catch
        {
            // Unforeseen: the workers spawned so far are drained, never left as half a generation nobody promotes.
            foreach (var w in started) pool.Drain(w, $"generation {generation} failed to start");
            throw;
        }
        if (failure is null)
        {
            WarnUnserved(plan, started);
            return new GenerationOutcome(generation, true, "", clock.Elapsed);
        }
        foreach (var w in started) pool.Drain(w, $"generation {generation} rolled back");
        return new GenerationOutcome(generation, false, failure, clock.Elapsed);
    }

    /// <summary>
    /// A listener handed to a generation none of whose workers serves it: its connections would wait in the
    /// backlog unseen. Only when every worker said what it serves (Ready's listener names).
    /// </summary>
    private void WarnUnserved(GenerationPlan plan, IReadOnlyList<WorkerProcess> workers)
    {
        if (workers.Any(w => w.Serving is null)) return;
        var served = workers.SelectMany(w => w.Serving!).ToHashSet();
        foreach (var l in plan.Listeners.Where(l => !served.Contains(l.Spec.Name)))
            SupervisorLog.ListenerUnserved(logger, l.Spec.Name, l.Spec.Address, plan.Generation, $"the workers serve {string.Join(", ", served.Order())}: rename Listeners:{l.Spec.Name} to a name the worker serves, or remove it");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
