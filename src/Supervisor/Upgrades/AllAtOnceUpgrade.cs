using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// <c>Workers:Strategy = "all-at-once"</c> (the default): every worker of the new generation starts and gets ready
/// beside the serving ones, then the new generation is promoted and every other worker drains (invariant 2: only
/// now). If one is not ready in time or exits, the new generation drains and the serving one is untouched
/// (invariant 5).
/// </summary>
internal sealed class AllAtOnceUpgrade(
    WorkerPool pool,
    GenerationStart start,
    WorkerDrain drain,
    GenerationRetirement retirement,
    ILogger<AllAtOnceUpgrade> logger) : IUpgradeStrategy
{
    public const string StrategyName = "all-at-once";

    public string Name => StrategyName;

    public async Task<UpgradeOutcome> RunAsync(GenerationPlan plan, int previous)
    {
        var started = await start.StartAsync(plan).ConfigureAwait(false);
        if (!started.Ok)
        {
            SupervisorLog.UpgradeFailed(logger, started.Generation, previous, started.Reason);
            return UpgradeOutcome.Failed(started.Generation, previous, started.Reason, started.Elapsed);
        }
        var retiring = pool.Promote(started.Generation);
        foreach (var w in retiring) drain.Drain(w, $"upgrade to generation {started.Generation}");
        SupervisorLog.UpgradeDone(logger, started.Generation, previous, started.Elapsed.TotalMilliseconds);
        foreach (var old in retiring.GroupBy(w => w.Generation))
            _ = retirement.ReportWhenExitedAsync(old.Key, started.Generation, old.ToList());
        return UpgradeOutcome.Succeeded(started.Generation, previous, started.Elapsed);
    }
}
