using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>
/// A reload (<c>fdhandoff upgrade</c>) reads the configuration file again and the new generation runs what it
/// says: a new worker path, a new worker count, added and removed listeners; under load, no request fails.
/// </summary>
public sealed class ReloadTests
{
    private const int Clients = 8;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_reload_after_switching_the_worker_symlink_serves_from_the_new_directory_without_a_failed_request()
    {
        using var deploy = new SymlinkDeploy();
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { WorkerCommand = deploy.Command };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, Wait);

        deploy.SwitchTo("v2");
        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);
        await load.WaitForMoreSuccessesAsync(100, Wait);
        var result = await load.StopAsync();

        Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
        var generation1 = supervisor.SpawnedWorkers().Where(w => w.Generation == 1).Select(w => w.Pid).ToList();
        var generation2 = supervisor.SpawnedWorkers().Where(w => w.Generation == 2).Select(w => w.Pid).ToList();
        Assert.Equal(generation1.Order(), deploy.Pids("v1").Order());
        Assert.Equal(generation2.Order(), deploy.Pids("v2").Order());
        // New responses come from v2.
        for (int i = 0; i < 4; i++)
        {
            var body = (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body;
            Assert.Contains(deploy.Pids("v2"), pid => body.Contains($"pid {pid} "));
        }
    }

    [Fact]
    public async Task A_reload_changes_the_worker_count_2_4_1_without_a_failed_request()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 2 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: true);
        await load.WaitForMoreSuccessesAsync(100, Wait);

        int generation = 1;
        foreach (int count in new[] { 4, 1 })
        {
            supervisor.WriteConfig(options with { Workers = count });
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
            generation++;
            await supervisor.WaitOldGenerationsGoneAsync(generation, Wait);
            await load.WaitForMoreSuccessesAsync(100, Wait);
            var status = supervisor.Status();
            Assert.Equal(generation, status.Generation);
            Assert.Equal(count, status.Workers.Count);
            Assert.All(status.Workers, w => Assert.Equal(generation, w.Generation));
        }
        var result = await load.StopAsync();
        Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
    }

    [Fact]
    public async Task A_reload_binds_an_added_listener_and_closes_a_removed_one_once_its_workers_are_gone()
    {
        int http = FreePort.Next(), removed = FreePort.Next(), added = FreePort.Next();
        var options = new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["http-old"] = $"tcp://127.0.0.1:{removed}" },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, Wait);

        supervisor.WriteConfig(options with { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["http-new"] = $"tcp://127.0.0.1:{added}" } });
        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        var onAdded = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, added));
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);
        await supervisor.Log.WaitForEventAsync(LogEvents.ListenerClosed, e => e.String("Listener") == "http-old" && e.String("Address") == $"tcp://127.0.0.1:{removed}", Wait);
        await load.WaitForMoreSuccessesAsync(100, Wait);
        var result = await load.StopAsync();

        Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
        Assert.Contains("generation 2", onAdded.Body);
        Assert.Empty(ProcNet.ListeningInodes(removed));
        var status = supervisor.Status();
        Assert.Equal(["http", "http-new"], status.Listeners.Select(l => l.Name).Order());
        var serving = Assert.Single(status.Generations!);
        Assert.Equal(["http", "http-new"], serving.Listeners.Order());
        // The new generation was never handed the removed listener.
        Assert.Contains(supervisor.Log.All(LogEvents.HandedOff), e => e.Int("ListenerCount") == 2 && e.Int("Generation") == 2);
    }

    [Fact]
    public async Task Status_shows_the_configuration_each_generation_runs()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        string before = Assert.Single(supervisor.Status().Generations!).ConfigurationHash;

        supervisor.WriteConfig(options with { Workers = 2 });
        Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);
        var text = await ProcessRunner.RunAsync(Binaries.Supervisor, ["status", "--control-socket", supervisor.ControlSocket], Wait);

        var generation = Assert.Single(supervisor.Status().Generations!);
        Assert.Equal(2, generation.Generation);
        Assert.NotEqual(before, generation.ConfigurationHash);
        Assert.Equal(supervisor.ConfigFile, generation.ConfigurationFile);
        Assert.Equal(new DateTimeOffset(File.GetLastWriteTimeUtc(supervisor.ConfigFile), TimeSpan.Zero), generation.ConfigurationModified);
        Assert.Contains($"2    serving   config {generation.ConfigurationHash} modified ", text.Stdout);
    }
}
