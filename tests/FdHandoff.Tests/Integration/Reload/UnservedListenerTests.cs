using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>A listener handed to a generation that no worker serves is bound silently no more: a warning names it.</summary>
public sealed class UnservedListenerTests
{
    [Fact]
    public async Task A_listener_no_worker_serves_is_named_in_a_warning_with_what_the_workers_serve()
    {
        int http = FreePort.Next(), web = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["web"] = $"tcp://127.0.0.1:{web}" }, Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var warning = Assert.Single(supervisor.Log.All(LogEvents.ListenerUnserved));
        Assert.Equal(("web", $"tcp://127.0.0.1:{web}", 1), (warning.String("Listener"), warning.String("Address"), warning.Int("Generation")));
        // What the warning tells a person to do is the subject here: its wording is checked.
        Assert.Contains($"Listener web (tcp://127.0.0.1:{web}) is served by no worker of generation 1: connections to it wait in its backlog; the workers serve http: rename Listeners:web to a name the worker serves, or remove it", warning.Message);
        Assert.Empty(supervisor.Log.All(LogEvents.ListenerUnserved, e => e.String("Listener") == "http"));
    }

    [Fact]
    public async Task A_udp_listener_counts_as_served_at_start_and_at_an_upgrade()
    {
        var options = new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{FreePort.Next()}", ["dgram"] = $"udp://127.0.0.1:{FreePort.NextUdp()}" }, Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var upgrade = await supervisor.UpgradeAsync();

        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        Assert.Empty(supervisor.Log.All(LogEvents.ListenerUnserved));
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.String("Listener") == "dgram" && e.String("Transport") == "Udp" && e.String("Service") == "DatagramEchoService"
            && e.String("Address").StartsWith("udp://127.0.0.1:", StringComparison.Ordinal)).Count);
    }
}
