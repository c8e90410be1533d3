using Microsoft.Extensions.DependencyInjection;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// Every upgrade strategy, the one list of them: <c>Workers:Strategy</c> accepts these names (the first is the
/// default) and the coordinator runs the one named. A new strategy is a class implementing
/// <see cref="IUpgradeStrategy"/> and one line here.
/// </summary>
internal static class UpgradeStrategies
{
    private static readonly (string Name, string Help, Action<IServiceCollection> Register)[] All =
    [
        (AllAtOnceUpgrade.StrategyName, "a whole new generation beside the old one, then the old one drains",
            s => s.AddSingleton<IUpgradeStrategy, AllAtOnceUpgrade>()),
        (RollingUpgrade.StrategyName, "slot by slot: at most Count+1 workers at any moment",
            s => s.AddSingleton<IUpgradeStrategy, RollingUpgrade>()),
    ];

    /// <summary>The values of <c>Workers:Strategy</c>, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(s => s.Name).ToList();

    public static string Default => Names[0];

    /// <summary>One line per strategy for <c>--help</c>.</summary>
    public static IReadOnlyList<(string Name, string Help)> Descriptions { get; } = All.Select(s => (s.Name, s.Help)).ToList();

    /// <summary>The spelling this supervisor uses for <paramref name="value"/> (any case, blank for the default), or null when it names none.</summary>
    public static string? Normalize(string? value)
    {
        string v = value?.Trim() ?? "";
        return v.Length == 0 ? Default : Names.FirstOrDefault(n => n.Equals(v, StringComparison.OrdinalIgnoreCase));
    }

    public static void Register(IServiceCollection services)
    {
        foreach (var strategy in All) strategy.Register(services);
    }
}
