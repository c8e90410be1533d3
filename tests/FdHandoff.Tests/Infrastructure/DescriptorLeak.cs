namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Invariant 4, checked the same way for every kind of worker (fdhandoff's own and systemd-protocol ones): the
/// supervisor's descriptors after 10 upgrades are those it held after the first one. bench/soak.sh runs the long form
/// (1,000 upgrades under load; 10 in CI's soak smoke, NativeAOT).
/// </summary>
internal static class DescriptorLeak
{
    private const int LastGeneration = 11;

    /// <summary>Upgrades a serving generation-1 <paramref name="supervisor"/> 10 times, each to its end, and compares.</summary>
    public static async Task AssertFlatAcross10UpgradesAsync(SupervisorProcess supervisor)
    {
        await UpgradeAndSettle(supervisor, 2);
        var afterOne = supervisor.OpenDescriptors();
        for (int generation = 3; generation <= LastGeneration; generation++) await UpgradeAndSettle(supervisor, generation);
        var afterTen = supervisor.OpenDescriptors();

        Assert.Equal(LastGeneration, supervisor.Status().Generation);
        Assert.Equal(afterOne, afterTen);
    }

    private static async Task UpgradeAndSettle(SupervisorProcess supervisor, int generation)
    {
        var result = await supervisor.UpgradeAsync();
        Assert.True(result.ExitCode == 0, result.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(generation, TimeSpan.FromSeconds(30));
    }
}
