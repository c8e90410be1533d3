using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Resilience;

/// <summary>
/// <c>fdhandoff reexec</c> and SIGUSR2: the supervisor executes the binary at its path in place: same pid, the same
/// workers, every connection kept, nothing refused (issue 21). A binary that cannot take over leaves the old one serving.
/// </summary>
public sealed class ReexecTests
{
    private const int Connections = 50;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_reexec_under_load_keeps_the_pid_the_workers_and_every_connection_and_the_next_upgrade_moves_them()
    {
        var options = WithHttpAndCounter(out int http, out int counter);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var workers = supervisor.Status().Workers.Select(w => w.Pid).Order().ToList();
        await using var requests = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
        await using var lines = LineCounterLoad.Start(new IPEndPoint(IPAddress.Loopback, counter), Connections,
            new LineCounterLoadOptions { Interval = TimeSpan.FromMilliseconds(20), SplitProbability = 0.2, Reconnect = false, Seed = 21 });
        await lines.WaitForMoreLinesAsync(Connections * 2, Wait);
        await requests.WaitForMoreSuccessesAsync(100, Wait);

        for (int i = 1; i <= 3; i++)
        {
            var reexec = await supervisor.ReexecAsync();
            Assert.True(reexec.ExitCode == 0, reexec.Stderr + supervisor.Log);
            Assert.Contains($"pid {supervisor.Pid} now runs", reexec.Stdout);
            Assert.Equal(i, supervisor.Log.All(LogEvents.Reexecuted).Count);
            await lines.WaitForMoreLinesAsync(Connections, Wait);
            await requests.WaitForMoreSuccessesAsync(50, Wait);
        }
        var status = supervisor.Status();
        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        var retired = await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1, Wait);
        await lines.WaitForMoreLinesAsync(Connections, Wait);
        var http1 = await requests.StopAsync();
        var counted = await lines.StopAsync();

        Assert.False(supervisor.HasExited);
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).Order());
        Assert.Equal(1, status.Generation);
        Assert.Equal(3, status.Supervisor!.Reexecs);
        Assert.True(http1.Failed == 0, http1.ToString());
        Assert.True(counted.Clean, $"{counted}\n{supervisor.Log}");
        Assert.Equal(Connections, counted.ConnectionsOpened);
        // The workers the re-executed images took over handed every connection on, as the first image's would have.
        Assert.Equal(Connections, retired.Int("ConnectionsMoved"));
    }

    [Fact]
    public async Task Ten_reexecs_leave_the_supervisor_descriptors_and_memory_flat()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        Assert.True((await supervisor.ReexecAsync()).ExitCode == 0);
        // From the first re-exec on the workers are watched through a pidfd each: that is the steady state.
        var descriptors = supervisor.OpenDescriptors();
        long rss = ResidentKiB(supervisor.Pid);
        // bench/supervisor-resilience.sh runs the long form (50 in a row).
        for (int i = 2; i <= 10; i++)
        {
            var reexec = await supervisor.ReexecAsync();
            Assert.True(reexec.ExitCode == 0, reexec.Stderr);
        }

        Assert.Equal(descriptors, supervisor.OpenDescriptors());
        Assert.True(ResidentKiB(supervisor.Pid) < rss + 8 * 1024, $"VmRSS {rss} KiB after the first re-exec, {ResidentKiB(supervisor.Pid)} KiB after the tenth");
        Assert.Equal(10, supervisor.Status().Supervisor!.Reexecs);
    }

    [Theory]
    [InlineData("exit", "exited with code 3 when asked to take over: no such library")]
    [InlineData("crash", "was killed by signal 11")]
    public async Task A_new_binary_that_cannot_start_leaves_the_old_one_serving_with_one_line_and_exit_1(string fault, string line)
    {
        using var copy = SupervisorCopy.Make();
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Executable = copy.Executable };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var workers = supervisor.Status().Workers.Select(w => w.Pid).Order().ToList();
        await using var requests = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 4, keepAlive: false);
        await requests.WaitForMoreSuccessesAsync(50, Wait);

        copy.Replace(fault == "exit" ? "#!/bin/sh\necho 'no such library' >&2\nexit 3\n" : "#!/bin/sh\nkill -SEGV $$\n");
        var reexec = await supervisor.ReexecAsync();
        await requests.WaitForMoreSuccessesAsync(50, Wait);
        copy.Restore();
        var again = await supervisor.ReexecAsync();
        var result = await requests.StopAsync();

        Assert.Equal(1, reexec.ExitCode);
        var stderr = reexec.Stderr.Trim().Split('\n');
        Assert.Single(stderr);
        Assert.StartsWith("fdhandoff reexec: failed,", stderr[0]);
        Assert.Contains(line, stderr[0]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.False(supervisor.HasExited);
        Assert.Equal(workers, supervisor.Status().Workers.Select(w => w.Pid).Order());
        Assert.Equal(1, supervisor.Status().Supervisor!.FailedReexecs);
        Assert.True(result.Failed == 0, result.ToString());
    }

    [Fact]
    public async Task Sigusr2_reexecutes_like_the_cli()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        var workers = supervisor.Status().Workers.Select(w => w.Pid).Order().ToList();

        supervisor.Signal(Native.SIGUSR2);
        var done = await supervisor.Log.WaitForEventAsync(LogEvents.Reexecuted, _ => true, Wait);

        Assert.Equal(1, done.Int("Generation"));
        Assert.Equal(workers, supervisor.Status().Workers.Select(w => w.Pid).Order());
        Assert.Equal(1, supervisor.Status().Supervisor!.Reexecs);
    }

    private static long ResidentKiB(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    private static SupervisorOptions WithHttpAndCounter(out int http, out int counter)
    {
        http = FreePort.Next();
        counter = FreePort.Next();
        return new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}", ["counter"] = $"tcp://127.0.0.1:{counter}" } };
    }
}
