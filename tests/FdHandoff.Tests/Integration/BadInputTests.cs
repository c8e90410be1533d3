using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>Each mistake a person makes gets one clear line and the right exit code; nothing serving is lost.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_busy_port_gives_one_line_naming_the_listener_and_port_and_exit_1()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        int port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var options = new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{port}" } };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(Exit);

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(1, code);
        Assert.Contains($"cannot bind listener http=tcp://127.0.0.1:{port}: port {port} is already in use", line);
        Assert.Contains("Listeners:http", line);
        Assert.Empty(supervisor.SpawnedWorkers());
    }

    [Theory]
    [InlineData("tpc://127.0.0.1:8080", "unknown scheme 'tpc'")]
    [InlineData("tcp://127.0.0.1", "missing port")]
    [InlineData("tcp://127.0.0.1:99999", "port '99999' is not a number from 1 to 65535")]
    [InlineData("tcp://::1:8080", "must be in brackets")]
    [InlineData("tcp://localhost:8080", "'localhost' is not an IP address")]
    [InlineData("tcp://127.0.0.1,127.0.0.2:8080", "several addresses are only for SCTP")]
    public async Task A_malformed_listener_gives_one_line_with_the_form_to_use_and_exit_2(string address, string what)
    {
        var options = new SupervisorOptions { Listeners = new() { ["web"] = address } };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(Exit);

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.StartsWith($"fdhandoff: listener 'web' ({address}): ", line);
        Assert.Contains(what, line);
        Assert.Contains("write it as tcp://127.0.0.1:8080", line);
    }

    [Fact]
    public async Task A_missing_worker_command_gives_one_line_and_exit_2_before_binding_anything()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { WorkerCommand = "/nonexistent/fdhandoff-worker" };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(Exit);

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.Equal("fdhandoff: worker command '/nonexistent/fdhandoff-worker' not found (looked in /nonexistent/fdhandoff-worker): set Workers:Command to the worker executable", line);
        Assert.Empty(ProcNet.ListeningInodes(http));
    }

    [Fact]
    public async Task A_worker_command_that_is_not_executable_gives_one_line_and_exit_2()
    {
        string notExecutable = Path.Combine(Path.GetTempPath(), $"fdh-worker-{Guid.NewGuid():N}");
        File.WriteAllText(notExecutable, "#!/bin/sh\n");
        try
        {
            var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { WorkerCommand = notExecutable };
            await using var supervisor = SupervisorProcess.Start(options);
            int code = await supervisor.WaitExitAsync(Exit);

            var line = Assert.Single(supervisor.Log.Lines);
            Assert.Equal(2, code);
            Assert.Equal($"fdhandoff: worker command {notExecutable} is not executable: chmod +x it, or set Workers:Command to the worker executable", line);
        }
        finally
        {
            File.Delete(notExecutable);
        }
    }

    [Fact]
    public async Task Upgrade_with_an_unreachable_control_socket_gives_one_line_and_exit_3()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fdh-nothing-{Guid.NewGuid():N}", "control.sock");

        var result = await ProcessRunner.RunAsync(Binaries.Supervisor, ["upgrade", "--control-socket", path], Exit);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"fdhandoff upgrade: cannot reach the control socket {path}: no such socket (is the supervisor running? is --control-socket right?)", result.Stderr.Trim());
    }

    [Fact]
    public async Task A_second_supervisor_on_the_same_ports_fails_and_the_first_keeps_serving()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 4, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));

        await using var second = SupervisorProcess.Start(options);
        int code = await second.WaitExitAsync(Exit);
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();

        Assert.Equal(1, code);
        Assert.Contains("is already in use", Assert.Single(second.Log.Lines));
        Assert.Equal(0, result.Failed);
        Assert.False(first.HasExited);
    }

    [Fact]
    public async Task A_second_supervisor_on_the_same_control_socket_is_refused()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var first = SupervisorProcess.Start(options);
        await first.WaitServingAsync();
        var other = SupervisorOptions.WithDefaultListeners(out _, out _);

        await using var second = SupervisorProcess.Start(other, "--control-socket", first.ControlSocket);
        int code = await second.WaitExitAsync(Exit);

        Assert.Equal(1, code);
        Assert.Contains($"another supervisor is already running on {first.ControlSocket}", string.Join("\n", second.Log.Lines));
        Assert.Equal(1, first.Status().Generation);
    }
}
