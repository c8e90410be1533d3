using System.Diagnostics;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The reload step and the frame around every upgrade: starts generation 1 at start-up; for an upgrade, reads the
/// configuration again and checks it, binds what is new and numbers the generation (a refusal touches nothing), runs
/// the <see cref="IUpgradeStrategy"/> that <c>Workers:Strategy</c> names, then commits or rolls back the listener
/// change, records the outcome (history, metrics) and closes listeners no worker holds any more.
/// One upgrade at a time: callers go through the <see cref="UpgradeQueue"/>.
/// </summary>
internal sealed class UpgradeCoordinator(
    SupervisorSettings settings,
    ConfigurationSource configuration,
    ListenerSet listeners,
    WorkerPool pool,
    GenerationStart start,
    IEnumerable<IUpgradeStrategy> strategies,
    UpgradeHistory history,
    Resilience.RestoredImage restored,
    Metrics.SupervisorMetrics metrics,
    ILogger<UpgradeCoordinator> logger) : IHostedService
{
    private readonly TaskCompletionSource<bool> _firstServing = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once generation 1 serves; false if it never will (its start failed, or the supervisor stopped first).</summary>
    public Task<bool> FirstServing => _firstServing.Task;

    /// <summary>Generation 1: the supervisor does not start serving without it. A re-executed image serves what it took over.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (restored.IsRestored)
        {
            _firstServing.TrySetResult(pool.Slots.ServingGeneration > 0);
            return;
        }
        try
        {
            var plan = new GenerationPlan(pool.Slots.NextGeneration(), settings, listeners.All);
            var outcome = await start.StartAsync(plan).ConfigureAwait(false);
            if (!outcome.Ok)
                throw new SupervisorException($"generation {outcome.Generation} did not become ready: {outcome.Reason}");
            pool.Promote(outcome.Generation);
            SupervisorLog.GenerationServing(logger, outcome.Generation, settings.Workers.Count, outcome.Elapsed.TotalMilliseconds);
            _firstServing.TrySetResult(true);
        }
        finally
        {
            _firstServing.TrySetResult(false);
        }
    }

    /// <summary>Replaces the serving generation, or leaves it serving and says why not.</summary>
    public async Task<UpgradeOutcome> UpgradeAsync(string reason)
    {
        var clock = Stopwatch.StartNew();
        int previous = pool.Slots.ServingGeneration;
        SupervisorLog.UpgradeStarting(logger, previous, reason);
        var serving = pool.Slots.PlanOf(previous)
            ?? throw new InvalidOperationException($"generation {previous} serves without a plan");
        // Read and check everything, bind what is new, before a worker is spawned; a refusal touches nothing.
        GenerationPlan plan;
        ListenerChange change;
        try
        {
            var next = configuration.Read();
            StartOnlySettings.Check(settings, next);
            int generation = pool.Slots.NextGeneration();
            change = listeners.Prepare(next, serving.Listeners, generation);
            plan = new GenerationPlan(generation, next, change.Planned);
            SupervisorLog.ReloadConfigurationRead(logger, next.Version.ToString(), generation, string.Join(", ", plan.Listeners.Select(l => l.Spec.Name)));
        }
        catch (Exception e) when (FatalError.Describe(e) is { } refusal)
        {
            SupervisorLog.ReloadRefused(logger, previous, refusal.Message);
            history.Record($"reload refused: {refusal.Message}");
            // A failed upgrade for the metrics too: a deploy whose configuration is refused must raise the alert.
            metrics.UpgradeFinished(ok: false, clock.Elapsed);
            return UpgradeOutcome.Failed(0, previous, $"configuration refused: {refusal.Message}", TimeSpan.Zero);
        }

        var strategy = strategies.First(s => s.Name == plan.Settings.Workers.Strategy);
        UpgradeOutcome outcome;
        try
        {
            outcome = await strategy.RunAsync(plan, previous).ConfigureAwait(false);
        }
        catch
        {
            // A failure nobody foresaw: what was bound or re-listened for the new generation is undone all the same.
            listeners.RollBack(change);
            throw;
        }
        metrics.UpgradeFinished(outcome.Ok, outcome.Elapsed);
        // A slot that could not be rolled back keeps the new plan's worker, which holds the new listeners and is
        // restarted from that plan if it crashes: they stay (closed once no plan in use lists them).
        if (outcome.Ok || pool.Slots.Owners().Values.Contains(plan.Generation))
        {
            listeners.Commit(change);
            _ = CloseDroppedListenersAsync();
        }
        else
            listeners.RollBack(change);
        history.Record(outcome.Ok
            ? $"to generation {outcome.Serving} ok{(strategy.Name == UpgradeStrategies.Default ? "" : $", {strategy.Name}")} ({outcome.Elapsed.TotalMilliseconds:0} ms)"
            : $"to generation {plan.Generation} failed: {outcome.Reason}");
        return outcome;
    }

    /// <summary>
    /// A listener the serving generation was not handed is closed once every worker that holds it has exited (the
    /// retiring generations', still accepting on it while they drain).
    /// </summary>
    private async Task CloseDroppedListenersAsync()
    {
        var retiring = pool.Table.Where(w => w.Retired);
        await Task.WhenAll(retiring.Select(w => w.Exited)).ConfigureAwait(false);
        // A slot's owner counts even with no live worker: a crashed one is restarted from its plan.
        var owners = pool.Slots.Owners().Values.Append(pool.Slots.ServingGeneration).Distinct().Select(pool.Slots.PlanOf).OfType<GenerationPlan>();
        var inUse = pool.Table.All.Select(w => w.Plan).Concat(owners).SelectMany(p => p.Listeners).ToHashSet();
        listeners.CloseUnused(inUse);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
