using System.Net;
using System.Net.Sockets;
using FdHandoff.Protocol;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>
/// A reload with a bad configuration is refused before anything is touched: the serving generation, its pids and
/// its listeners stay as they were, <c>fdhandoff upgrade</c> exits 1 with the one line, and the next good reload works.
/// </summary>
public sealed class BadConfigurationAtReloadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static TheoryData<string> FileCases() => [.. BadConfiguration.FileCases];

    [Theory]
    [MemberData(nameof(FileCases))]
    public async Task A_bad_configuration_file_at_reload_is_refused_and_nothing_serving_changes(string name)
    {
        await using var serving = await ServingAsync();
        var (json, line) = BadConfiguration.File(name, serving.Http, serving.Supervisor.ControlSocket);
        serving.Supervisor.WriteConfig(json);

        await serving.AssertRefusedAsync(line);
    }

    [Fact]
    public async Task A_removed_configuration_file_at_reload_is_refused()
    {
        await using var serving = await ServingAsync();
        File.Delete(serving.Supervisor.ConfigFile);

        await serving.AssertRefusedAsync($"configuration file {serving.Supervisor.ConfigFile} does not exist");
    }

    [Fact]
    public async Task A_changed_control_socket_at_reload_is_refused_as_read_only_at_start()
    {
        await using var serving = await ServingAsync();
        serving.Supervisor.WriteConfig(SupervisorProcess.ConfigJson(serving.Options, "/tmp/elsewhere.sock"));

        await serving.AssertRefusedAsync($"ControlSocket changed ({serving.Supervisor.ControlSocket} -> /tmp/elsewhere.sock) but is read only at start: put back {serving.Supervisor.ControlSocket}, or restart the supervisor to apply it");
    }

    [Fact]
    public async Task A_changed_metrics_address_at_reload_is_refused_as_read_only_at_start()
    {
        await using var serving = await ServingAsync();
        int metrics = FreePort.Next();
        serving.Supervisor.WriteConfig(serving.Options with { MetricsListen = $"127.0.0.1:{metrics}" });

        await serving.AssertRefusedAsync($"Metrics:Listen changed ((none) -> 127.0.0.1:{metrics}) but is read only at start: put back (none), or restart the supervisor to apply it");
        Assert.Empty(ProcNet.ListeningInodes(metrics));
    }

    [Fact]
    public async Task A_listener_that_cannot_be_bound_refuses_the_reload_and_closes_what_the_reload_bound()
    {
        await using var serving = await ServingAsync();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        int busy = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        int free = FreePort.Next();
        // "http-a" binds first (listeners sorted by name), then "http-b" fails: "http-a" must be closed again.
        serving.Supervisor.WriteConfig(SupervisorProcess.ConfigJson(serving.Options with
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{serving.Http}", ["http-a"] = $"tcp://127.0.0.1:{free}", ["http-b"] = $"tcp://127.0.0.1:{busy}" },
        }, serving.Supervisor.ControlSocket));

        await serving.AssertRefusedAsync($"cannot bind listener http-b=tcp://127.0.0.1:{busy}: port {busy} is already in use");
        Assert.Empty(ProcNet.ListeningInodes(free));
    }

    [Fact]
    public async Task Moving_a_listener_to_another_address_on_its_own_port_is_refused_naming_our_socket_not_another_process()
    {
        await using var serving = await ServingAsync();
        serving.Supervisor.WriteConfig(SupervisorProcess.ConfigJson(serving.Options with
        {
            Listeners = new() { ["http"] = $"tcp://0.0.0.0:{serving.Http}" },
        }, serving.Supervisor.ControlSocket));

        await serving.AssertRefusedAsync(
            $"Listeners:http is now tcp://0.0.0.0:{serving.Http}, but port {serving.Http} is held by this supervisor's own listener 'http' (tcp://127.0.0.1:{serving.Http}) until the workers that serve it are gone, and the kernel cannot bind both: move it in two reloads");
        // The words a person reads are the subject: nothing tells them to stop another process.
        Assert.DoesNotContain(serving.Supervisor.Log.Events, e => e.Message.Contains("stop what holds it"));
    }

    [Fact]
    public async Task A_new_mode_for_a_served_unix_socket_is_refused_with_how_to_change_it_on_the_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fdh-mode-{Guid.NewGuid():N}.sock");
        await using var serving = await ServingAsync(("http-unix", $"unix://{path}?mode=0660"));
        serving.Supervisor.WriteConfig(SupervisorProcess.ConfigJson(serving.Options with
        {
            Listeners = new(serving.Options.Listeners) { ["http-unix"] = $"unix://{path}?mode=0600" },
        }, serving.Supervisor.ControlSocket));

        await serving.AssertRefusedAsync(
            $"Listeners:http-unix is now unix://{path}?mode=0600, but {path} is this supervisor's own listener 'http-unix' (unix://{path}), which its workers serve: a reload cannot create a second socket at that path; keep Listeners:http-unix = unix://{path} and set the mode or group on the path itself (chmod/chgrp {path}: the socket keeps it)");
        // The words a person reads are the subject: nothing speaks of another process listening.
        Assert.DoesNotContain(serving.Supervisor.Log.Events, e => e.Message.Contains("a process is listening on"));
    }

    private static async Task<Serving> ServingAsync(params (string Name, string Address)[] more)
    {
        int http = FreePort.Next();
        var listeners = new Dictionary<string, string> { ["http"] = $"tcp://127.0.0.1:{http}" };
        foreach (var (name, address) in more) listeners[name] = address;
        var options = new SupervisorOptions { Listeners = listeners, Workers = 1 };
        var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        return new Serving(supervisor, options, http);
    }

    private sealed record Serving(SupervisorProcess Supervisor, SupervisorOptions Options, int Http) : IAsyncDisposable
    {
        public async Task AssertRefusedAsync(string line)
        {
            var before = Supervisor.Status();
            var upgrade = await Supervisor.UpgradeAsync();
            var after = Supervisor.Status();
            var answer = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, Http));

            Assert.Equal(1, upgrade.ExitCode);
            string said = Assert.Single(upgrade.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"fdhandoff upgrade: failed, generation 1 still serving: configuration refused: ", said);
            Assert.Contains(line, said);
            Assert.Contains(line, Assert.Single(Supervisor.Log.All(LogEvents.ReloadRefused, e => e.Int("Generation") == 1)).String("Reason"));
            Assert.Equal(1, after.Generation);
            Assert.Equal(Pids(before), Pids(after));
            Assert.Equal(before.Listeners, after.Listeners);
            Assert.Equal(before.Generations!.Single().ConfigurationHash, after.Generations!.Single().ConfigurationHash);
            Assert.Contains("generation 1", answer.Body);
            Assert.Single(Supervisor.SpawnedWorkers()); // no worker was spawned for the refused configuration
        }

        private static IEnumerable<int> Pids(StatusReply status) => status.Workers.Select(w => w.Pid).Order();

        public ValueTask DisposeAsync() => Supervisor.DisposeAsync();
    }
}
