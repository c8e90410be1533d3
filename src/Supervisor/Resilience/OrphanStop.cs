using FdHandoff.Supervisor.Configuration;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// Under systemd with <c>KillMode=process</c> (so that workers outlive a supervisor that crashed, for the restarted one
/// to adopt), a <c>systemctl stop</c> whose supervisor had to be killed would leave its workers running. The unit's
/// <c>ExecStopPost=</c> runs this: when the supervisor stopped cleanly its state file is gone and there is nothing to
/// do; when it died and systemd restarts it (<c>$SERVICE_RESULT</c> is signal, core-dump, watchdog or exit-code) the
/// workers are left for the next one; otherwise (a stop that timed out) each worker the state file names that still
/// runs (same kernel start time: a reused pid is another process) gets SIGTERM through a pidfd, then SIGKILL, and
/// the state file goes.
/// </summary>
internal static class OrphanStop
{
    private static readonly string[] Crashes = ["signal", "core-dump", "watchdog", "exit-code"];

    public static int Run(string? socket, TimeSpan timeout, string? serviceResult, TextWriter stdout, TextWriter stderr)
    {
        string path = StateFile.PathFor(ControlSocketLocation.Resolve(socket ?? Environment.GetEnvironmentVariable("FDHANDOFF_CONTROL_SOCKET")));
        if (!File.Exists(path)) return Cli.ExitCodes.Ok; // a clean stop: the supervisor drained its workers and removed it
        if (serviceResult is not null && Crashes.Contains(serviceResult))
        {
            stdout.WriteLine($"fdhandoff stop-orphans: the supervisor died ({serviceResult}): its workers serve on for the restarted one to adopt");
            return Cli.ExitCodes.Ok;
        }
        SavedState.SupervisorSnapshot state;
        try
        {
            state = RestoredImage.Read(File.ReadAllBytes(path)).State;
        }
        catch (Exception e) when (e is SupervisorException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"fdhandoff stop-orphans: cannot read {path}: {e.Message}; stop the workers by hand (systemctl kill --kill-whom=all)");
            return Cli.ExitCodes.Failed;
        }
        var watches = state.Workers
            .Where(w => ProcessStartTime.Of(w.Pid) == w.StartTicks)
            .Select(w => (Worker: w, Watch: ProcessWatch.Open(w.Pid)))
            .Where(w => w.Watch is not null).ToList();
        foreach (var (worker, watch) in watches)
        {
            // A systemd-protocol worker leads a session of its own: its children go with it.
            if (worker.Program is not null) ProcessGroups.Signal(worker.Pid, SignalName.Term);
            watch!.Signal(SignalName.Term);
        }
        bool all = Task.WhenAll(watches.Select(w => w.Watch!.Exited)).Wait(timeout);
        int killed = 0;
        foreach (var (worker, watch) in watches)
        {
            if (!watch!.HasExited)
            {
                if (worker.Program is not null) ProcessGroups.Signal(worker.Pid, SignalName.Kill);
                if (watch.Kill()) killed++;
            }
            watch.Dispose();
        }
        File.Delete(path);
        stdout.WriteLine(watches.Count == 0
            ? $"fdhandoff stop-orphans: supervisor {state.SupervisorPid} left no worker running"
            : $"fdhandoff stop-orphans: stopped {watches.Count} workers supervisor {state.SupervisorPid} left running{(all ? "" : $", {killed} killed after {timeout.TotalSeconds:0} s")}");
        return Cli.ExitCodes.Ok;
    }
}
