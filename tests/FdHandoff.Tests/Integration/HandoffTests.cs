using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>Traffic reaches real workers through the sockets the supervisor handed them.</summary>
public sealed class HandoffTests
{
    [Fact]
    public async Task Http_over_IPv4_and_IPv6_and_tcp_echo_are_served_through_handed_off_sockets()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out int echo);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var v4 = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));
        var v6 = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.IPv6Loopback, http));
        string echoed = await Echo.RoundTripAsync(new IPEndPoint(IPAddress.Loopback, echo), "ping through a handed-off socket");

        var workers = supervisor.SpawnedWorkers().Select(w => w.Pid.ToString()).ToList();
        Assert.Equal(200, v4.Status);
        Assert.Equal(200, v6.Status);
        Assert.Contains("generation 1", v4.Body);
        Assert.Contains(workers, pid => v4.Body.Contains($"pid {pid} "));
        Assert.Contains(workers, pid => v6.Body.Contains($"pid {pid} "));
        Assert.Equal("ping through a handed-off socket", echoed);
    }

    [Fact]
    public async Task Status_lists_generation_workers_and_listeners()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var cli = await ProcessRunner.RunAsync(Binaries.Supervisor, ["status", "--control-socket", supervisor.ControlSocket], TimeSpan.FromSeconds(30));
        var status = supervisor.Status();

        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("generation 1", cli.Stdout);
        Assert.Contains($"tcp://[::1]:{http}", cli.Stdout);
        Assert.Equal(1, status.Generation);
        Assert.Equal(2, status.Workers.Count);
        Assert.All(status.Workers, w => Assert.Equal("ready", w.State));
        Assert.Equal(["echo", "http", "http6"], status.Listeners.Select(l => l.Name).Order());
    }

    [Fact]
    public async Task Handed_off_descriptors_are_listening_sockets_and_cloexec_in_the_worker()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out int echo);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int worker = supervisor.SpawnedWorkers()[0].Pid;

        // Every socket inode the worker holds that is one of our listeners must carry O_CLOEXEC.
        var listenerInodes = ProcNet.ListeningInodes(http).Concat(ProcNet.ListeningInodes(echo)).ToHashSet();
        var held = ProcNet.SocketDescriptors(worker).Where(d => listenerInodes.Contains(d.Inode)).ToList();

        Assert.Equal(3, held.Count);
        Assert.All(held, d => Assert.True(d.CloseOnExec, $"fd {d.Fd} of worker {worker} is not CLOEXEC"));
    }
}
