using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

public sealed class EchoOnlyTests
{
    [Fact]
    public async Task Workers_handed_no_http_listener_serve_echo_and_bind_nothing_of_their_own()
    {
        int echo = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["echo"] = $"tcp://127.0.0.1:{echo}" } };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        string echoed = await Echo.RoundTripAsync(new IPEndPoint(IPAddress.Loopback, echo), "no http here");
        var upgrade = await supervisor.UpgradeAsync();

        Assert.Equal("no http here", echoed);
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        // Before the fix, Kestrel bound its default localhost:5000 in each worker and the second one died.
        Assert.Empty(supervisor.Log.All(LogEvents.WorkerCrashed));
        Assert.Empty(supervisor.Log.All("address already in use")); // Kestrel's own words, in whatever line it fails with
        var generation2 = supervisor.Status().Workers.Where(w => w.Generation == 2).ToList();
        Assert.Equal(2, generation2.Count);
        Assert.All(generation2, w => Assert.Equal("ready", w.State));
    }
}
