using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>Workers die; the supervisor replaces them; the listening sockets never go away.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task A_worker_killed_with_SIGKILL_is_replaced_while_the_other_keeps_serving()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int victim = supervisor.Status().Workers[0].Pid;
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

        int mark = supervisor.Log.Count;
        Native.Kill(victim, Native.SIGKILL);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerCrashed, e => e.IsAbout(victim, 1), TimeSpan.FromSeconds(30));
        var replacement = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 1, TimeSpan.FromSeconds(30), from: mark);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.IsAbout(replacement.Int("WorkerPid"), 1), TimeSpan.FromSeconds(30));
        await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();
        var status = supervisor.Status();

        Assert.Equal(2, status.Workers.Count);
        Assert.DoesNotContain(victim, status.Workers.Select(w => w.Pid));
        Assert.Contains(status.Workers, w => w.Restarts == 1);
        // The load counts what SIGKILL took with it (requests in the victim's hands), no more.
        Assert.True(result.Failed <= 8, result.ToString());
    }

    [Fact]
    public async Task Killing_every_worker_refuses_no_connection_because_the_supervisor_keeps_the_socket()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int victim = supervisor.Status().Workers[0].Pid;

        Native.Kill(victim, Native.SIGKILL);
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerCrashed, e => e.IsAbout(victim, 1), TimeSpan.FromSeconds(30));
        // No worker is running now: the connection waits in the listening socket's backlog and is
        // answered by the replacement, instead of being refused.
        var response = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));

        Assert.Equal(200, response.Status);
        Assert.DoesNotContain($"pid {victim} ", response.Body);
    }

    [Fact]
    public async Task A_crash_loop_backs_off_exponentially_and_shows_in_status()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        options = options with { WorkerCommand = Binaries.FaultWorker, WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile } };
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            File.WriteAllText(faultFile, "exit-at-start");
            Native.Kill(supervisor.Status().Workers[0].Pid, Native.SIGKILL);

            var delays = new List<double>();
            for (int crash = 1; crash <= 4; crash++)
            {
                var restart = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerRestartScheduled,
                    e => e.Int("Slot") == 0 && e.Int("Generation") == 1 && e.Int("CrashesInARow") == crash, TimeSpan.FromSeconds(30));
                delays.Add(Math.Round(restart.Double("BackoffMs"), MidpointRounding.AwayFromZero)); // as the line shows it ({BackoffMs:0})
            }
            File.Delete(faultFile);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Generation") == 1, TimeSpan.FromSeconds(30), from: supervisor.Log.Count);

            Assert.Equal([100, 200, 400, 800], delays);
            Assert.Contains(supervisor.Status().Workers, w => w.Restarts >= 4);
        }
        finally
        {
            File.Delete(faultFile);
        }
    }
}
