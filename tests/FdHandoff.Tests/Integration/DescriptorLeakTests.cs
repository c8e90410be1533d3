using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>Invariant 4: the supervisor's fd count is flat across upgrades.</summary>
public sealed class DescriptorLeakTests
{
    [Fact]
    public async Task The_supervisor_holds_as_many_descriptors_after_10_upgrades_as_after_1()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        await DescriptorLeak.AssertFlatAcross10UpgradesAsync(supervisor);
    }
}
