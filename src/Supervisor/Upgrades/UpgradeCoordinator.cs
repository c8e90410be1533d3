using System.Diagnostics;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
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
/// One upgrade at a time: callers go through the <see cref="UpgradeQueue"/>.
/// </summary>
internal sealed class UpgradeCoordinator(
    SupervisorSettings settings,
    WorkerPool pool,
    ConnectionRouter router,
    RollingUpgrade rolling,
    Metrics.SupervisorMetrics metrics,
    ILogger<UpgradeCoordinator> logger) : IHostedService
{
    /// <summary>Generation 1: the supervisor does not start serving without it.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var outcome = await StartGenerationAsync(settings).ConfigureAwait(false);
        if (!outcome.Ok)
            throw new SupervisorException($"generation {outcome.Generation} did not become ready: {outcome.Reason}");
        pool.Promote(outcome.Generation, "none");
        SupervisorLog.GenerationServing(logger, outcome.Generation, settings.Workers.Count, outcome.Elapsed.TotalMilliseconds);
    }

    /// <summary>Replaces the serving generation, or leaves it serving and says why not.</summary>
    public async Task<UpgradeResult> UpgradeAsync(string reason)
    {
        int previous = pool.ServingGeneration;
        SupervisorLog.UpgradeStarting(logger, previous, reason);
        if (settings.Workers.Strategy == UpgradeStrategy.Rolling)
        {
            var clock = Stopwatch.StartNew();
            var rolled = await rolling.RunAsync(new GenerationPlan(pool.NextGeneration(), settings), previous).ConfigureAwait(false);
            metrics.UpgradeFinished(rolled.Ok, clock.Elapsed);
            return rolled;
        }
        var outcome = await StartGenerationAsync(settings).ConfigureAwait(false);
        if (!outcome.Ok)
        {
            pool.RecordFailedUpgrade($"to generation {outcome.Generation} failed: {outcome.Reason}");
            SupervisorLog.UpgradeFailed(logger, outcome.Generation, previous, outcome.Reason);
            metrics.UpgradeFinished(ok: false, outcome.Elapsed);
            return new UpgradeResult(false, previous, previous, outcome.Reason, outcome.Elapsed.TotalMilliseconds);
        }

        var retiring = pool.Promote(outcome.Generation, $"to generation {outcome.Generation} ok ({outcome.Elapsed.TotalMilliseconds:0} ms)");
        // Invariant 2: the old generation hears "drain" only now that its successor is ready.
        foreach (var w in retiring) pool.Drain(w, $"upgrade to generation {outcome.Generation}");
        SupervisorLog.UpgradeDone(logger, outcome.Generation, previous, outcome.Elapsed.TotalMilliseconds);
        metrics.UpgradeFinished(ok: true, outcome.Elapsed);
        foreach (var old in retiring.GroupBy(w => w.Generation))
            _ = ReportRetirementAsync(old.Key, outcome.Generation, old.ToList());
        return new UpgradeResult(true, outcome.Generation, previous, "", outcome.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Once every worker of a retired generation has exited: how long its drain took and what became of its
    /// established connections (moved, kept and closed by the worker, closed by the supervisor).
    /// </summary>
    private async Task ReportRetirementAsync(int generation, int successor, IReadOnlyList<WorkerProcess> workers)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(w => w.Exited)).ConfigureAwait(false);
        var tally = router.TallyOf(generation);
        pool.RecordRetirement(generation, tally.Moved, tally.Refused + tally.Closed, tally.LastReason);
        metrics.GenerationDrained(clock.Elapsed);
        SupervisorLog.GenerationRetired(logger, generation, successor, clock.Elapsed.TotalMilliseconds, tally.Moved, tally.Refused, tally.Closed);
    }

    /// <summary>
    /// Spawns every slot of a new generation built from <paramref name="from"/> and waits at the gate; a
    /// generation that fails is drained.
    /// </summary>
    private async Task<GenerationOutcome> StartGenerationAsync(SupervisorSettings from)
    {
        var clock = Stopwatch.StartNew();
        var plan = new GenerationPlan(pool.NextGeneration(), from);
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
        if (failure is null) return new GenerationOutcome(generation, true, "", clock.Elapsed);
        foreach (var w in started) pool.Drain(w, $"generation {generation} rolled back");
        return new GenerationOutcome(generation, false, failure, clock.Elapsed);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
