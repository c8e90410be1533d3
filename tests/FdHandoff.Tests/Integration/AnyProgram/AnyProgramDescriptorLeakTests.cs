using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.AnyProgram;

/// <summary>Invariant 4 for systemd-protocol workers: launchers, exec'd programs and notifications leave no descriptor behind.</summary>
public sealed class AnyProgramDescriptorLeakTests
{
    [Fact]
    public async Task The_supervisor_holds_as_many_descriptors_after_10_upgrades_of_a_systemd_protocol_worker_as_after_1()
    {
        await using var supervisor = SupervisorProcess.Start(AnyProgramWorkers.Contract(out _));
        await supervisor.WaitServingAsync();

        await DescriptorLeak.AssertFlatAcross10UpgradesAsync(supervisor);
    }
}
