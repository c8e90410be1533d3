using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.SystemdProtocol;

/// <summary>Invariant 4 for systemd-protocol workers: launchers, exec'd programs and notifications leave no descriptor behind.</summary>
public sealed class SystemdProtocolDescriptorLeakTests
{
    [Fact]
    public async Task The_supervisor_holds_as_many_descriptors_after_50_upgrades_of_a_systemd_protocol_worker_as_after_1()
    {
        await using var supervisor = SupervisorProcess.Start(SystemdWorkers.Contract(out _));
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
