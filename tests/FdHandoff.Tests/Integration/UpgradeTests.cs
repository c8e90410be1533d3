using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>A new generation takes over the same sockets; the old one drains; clients notice nothing.</summary>
public sealed class UpgradeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upgrades_under_load_lose_no_request_and_no_connection(bool keepAlive)
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        await UpgradesUnderLoad.AssertNoRequestFailsAsync(supervisor, new IPEndPoint(IPAddress.Loopback, http), keepAlive);
    }

    [Fact]
    public async Task Upgrade_replaces_every_worker_and_the_old_generation_exits_after_the_new_is_ready()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var before = supervisor.Status().Workers.Select(w => w.Pid).ToHashSet();

        var upgrade = await supervisor.UpgradeAsync();
        await supervisor.WaitOldGenerationsGoneAsync(2, TimeSpan.FromSeconds(30));
        var after = supervisor.Status();
        var response = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Contains("generation 1 -> 2", upgrade.Stdout);
        Assert.Equal(2, after.Generation);
        Assert.Equal(2, after.Workers.Count);
        Assert.All(after.Workers, w => Assert.DoesNotContain(w.Pid, before));
        Assert.Contains("generation 2", response.Body);
        // Invariant 2: no old worker was told to drain before every new worker was ready.
        int lastReady = supervisor.Log.All(LogEvents.WorkerReady, e => e.Int("Generation") == 2).Max(e => e.Index);
        int firstDrain = supervisor.Log.All(LogEvents.Draining, e => e.Int("Generation") == 1).Min(e => e.Index);
        Assert.True(lastReady < firstDrain, supervisor.Log.ToString());
    }

    [Fact]
    public async Task Sighup_upgrades_like_the_cli()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        supervisor.Signal(Native.SIGHUP);
        await supervisor.WaitServingAsync(generation: 2);
        await supervisor.WaitOldGenerationsGoneAsync(2, TimeSpan.FromSeconds(30));

        Assert.False(supervisor.HasExited);
        Assert.Contains("generation 2", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
    }

    [Fact]
    public async Task Concurrent_upgrade_requests_are_serialized_and_coalesced_never_interleaved()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => supervisor.UpgradeAsync()));

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        // The first runs alone; the four that arrived meanwhile share the one next upgrade.
        var generations = supervisor.Log.All([LogEvents.UpgradeDone, LogEvents.RollDone]).Select(e => e.Int("Generation")).ToList();
        Assert.Equal([2, 3], generations);
        // Never interleaved: each upgrade finished (done or failed) before the next one started.
        var starts = supervisor.Log.All(LogEvents.UpgradeStarting).Select(e => e.Index).ToList();
        var ends = supervisor.Log.All(LogEvents.UpgradeEnded).Select(e => e.Index).ToList();
        Assert.Equal(2, starts.Count);
        Assert.True(ends[0] < starts[1], supervisor.Log.ToString());
    }
}
