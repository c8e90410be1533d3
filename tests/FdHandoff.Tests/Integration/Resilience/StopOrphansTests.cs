using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Resilience;

/// <summary>
/// <c>fdhandoff stop-orphans</c>, the units' ExecStopPost= under KillMode=process: after a stop whose supervisor had to
/// be killed it stops the workers that supervisor left; after a crash systemd restarts from, it leaves them for the
/// next supervisor to adopt.
/// </summary>
public sealed class StopOrphansTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task After_a_stop_that_killed_the_supervisor_its_workers_are_stopped_and_its_state_removed()
    {
        await using var supervisor = await StartThenKillAsync();
        var workers = supervisor.SpawnedWorkers().Select(w => w.Pid).ToList();

        var run = await StopOrphansAsync(supervisor, serviceResult: "timeout");
        var exited = await Task.WhenAll(workers.Select(pid => Native.WaitForExitAsync(pid, TimeSpan.FromSeconds(15))));

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains($"stopped {workers.Count} workers", run.Stdout);
        Assert.All(exited, Assert.True);
        Assert.False(File.Exists(supervisor.ControlSocket + ".state"));
    }

    [Fact]
    public async Task After_a_crash_systemd_restarts_from_the_workers_are_left_for_the_next_supervisor_to_adopt()
    {
        await using var first = await StartThenKillAsync();
        var workers = first.SpawnedWorkers().Select(w => w.Pid).Order().ToList();

        var run = await StopOrphansAsync(first, serviceResult: "signal");
        await using var second = first.StartSuccessor();
        var adopted = await second.Log.WaitForEventAsync(LogEvents.Adopted, _ => true, Wait);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("serve on for the restarted one to adopt", run.Stdout);
        Assert.Equal(workers.Count, adopted.Int("Reattached"));
        Assert.Equal(workers, second.Status().Workers.Select(w => w.Pid).Order());
    }

    private static async Task<SupervisorProcess> StartThenKillAsync()
    {
        var supervisor = SupervisorProcess.Start(SupervisorOptions.WithDefaultListeners(out _, out _));
        await supervisor.WaitServingAsync();
        await supervisor.WaitStateSavedAsync(supervisor.Status().Workers.Select(w => w.Pid), Wait);
        supervisor.Signal(Native.SIGKILL);
        Assert.True(await Native.WaitForExitAsync(supervisor.Pid, Wait));
        return supervisor;
    }

    private static Task<ProcessRunner.Result> StopOrphansAsync(SupervisorProcess supervisor, string serviceResult) =>
        ProcessRunner.RunAsync(Binaries.Supervisor, ["stop-orphans", "--control-socket", supervisor.ControlSocket, "--timeout", "5"], Wait,
            new Dictionary<string, string> { ["SERVICE_RESULT"] = serviceResult });
}
