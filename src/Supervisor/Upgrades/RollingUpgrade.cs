using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// <c>Workers:Strategy = "rolling"</c>: replaces the serving generation one slot at a time, for hosts that cannot
/// hold two generations in memory. For each slot the new worker is spawned and ready (ReadyTimeout per slot)
/// before the slot's old worker drains, and the old one has exited before the next slot's new worker is
/// spawned: never more than Count+1 workers run (Count the larger of the two plans' counts).
/// From the first slot handed over, the new generation is the serving one (connections handed over go to its
/// ready workers, status shows it) while the slots not reached yet keep their old workers, which serve and are
/// restarted if they crash (the <see cref="SlotTable"/>'s owners). A failure at slot k (not ready in time, exits)
/// stops the roll and rolls the slots already replaced back, each the same way (a worker of the slot's previous
/// plan ready first, then the new one drains), so the service ends on the previous plan with its Count workers.
/// Each run is a <see cref="Roll"/>, which holds its state.
/// </summary>
internal sealed class RollingUpgrade(WorkerPool pool, WorkerDrain drain, UpgradeHistory history, GenerationRetirement retirement, ILogger<RollingUpgrade> logger)
    : IUpgradeStrategy
{
    public const string StrategyName = "rolling";

    public string Name => StrategyName;

    public Task<UpgradeOutcome> RunAsync(GenerationPlan plan, int previous) =>
        new Roll(plan, previous, pool, drain, history, retirement, logger).RunAsync();
}
