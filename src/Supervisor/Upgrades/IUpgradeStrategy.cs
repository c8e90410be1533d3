using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// How an upgrade replaces the serving generation's workers with a new plan's (<c>Workers:Strategy</c>). The
/// coordinator has already read the configuration, bound the new listeners and numbered the generation; a strategy
/// spawns, waits for readiness, promotes and drains (or rolls back), and says how it ended. It never touches the
/// listeners (the coordinator commits or rolls them back from the outcome) nor the upgrade history's final line.
/// Every strategy is listed in <see cref="UpgradeStrategies"/>.
/// </summary>
internal interface IUpgradeStrategy
{
    /// <summary>Its value of <c>Workers:Strategy</c>.</summary>
    string Name { get; }

    /// <summary>Replaces generation <paramref name="previous"/> with <paramref name="plan"/>'s, or leaves it serving and says why not.</summary>
    Task<UpgradeOutcome> RunAsync(GenerationPlan plan, int previous);
}
