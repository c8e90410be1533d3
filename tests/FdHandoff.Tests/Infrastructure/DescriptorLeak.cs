namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Invariant 4, checked the same way for every kind of worker (fdhandoff's own and systemd-protocol ones): the
/// supervisor's descriptors after 50 upgrades are those it held after the first one.
/// </summary>
internal static class DescriptorLeak
{
    private const int LastGeneration = 51;

    /// <summary>Upgrades a serving generation-1 <paramref name="supervisor"/> 50 times, each to its end, and compares.</summary>
    public static async Task AssertFlatAcross50UpgradesAsync(SupervisorProcess supervisor)
    {
        await UpgradeAndSettle(supervisor, 2);
        var afterOne = supervisor.OpenDescriptors();
        for (int generation = 3; generation <= LastGeneration; generation++) await UpgradeAndSettle(supervisor, generation);
        var afterFifty = supervisor.OpenDescriptors();

        Assert.Equal(LastGeneration, supervisor.Status().Generation);
        Assert.Equal(afterOne, afterFifty);
    }

    private static async Task UpgradeAndSettle(SupervisorProcess supervisor, int generation)
    {
        var result = await supervisor.UpgradeAsync();
        Assert.True(result.ExitCode == 0, result.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(generation, TimeSpan.FromSeconds(30));
    }
}
