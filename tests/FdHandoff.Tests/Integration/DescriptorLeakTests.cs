using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>Invariant 4: the supervisor's fd count is flat across upgrades.</summary>
public sealed class DescriptorLeakTests
{
    [Fact]
    public async Task The_supervisor_holds_as_many_descriptors_after_50_upgrades_as_after_1()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        await UpgradeAndSettle(supervisor, 2);
        var afterOne = supervisor.OpenDescriptors();
        for (int generation = 3; generation <= 51; generation++) await UpgradeAndSettle(supervisor, generation);
        var afterFifty = supervisor.OpenDescriptors();

        Assert.Equal(51, supervisor.Status().Generation);
        Assert.Equal(afterOne, afterFifty);
    }

    private static async Task UpgradeAndSettle(SupervisorProcess supervisor, int generation)
    {
        var result = await supervisor.UpgradeAsync();
        Assert.True(result.ExitCode == 0, result.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(generation, TimeSpan.FromSeconds(30));
    }
}
