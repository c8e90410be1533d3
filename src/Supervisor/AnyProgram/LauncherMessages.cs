using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// The end of a systemd-protocol worker's control connection. The launcher says Exec, then the connection
/// closes at the exec: from there the worker's life is its pid (the pool watches its exit) and the notify
/// socket, not the connection, whose end here means "the program runs". A failed exec is an Error first.
/// </summary>
internal sealed class LauncherMessages(WorkerPool pool, ILogger logger)
{
    public void Exec(WorkerProcess worker, ExecMessage exec)
    {
        worker.Program!.ExecAnnounced = true;
        SupervisorLog.ProgramExecuting(logger, worker.Pid, worker.Generation, worker.Program.Path);
    }

    public void ExecFailed(WorkerProcess worker, string reason)
    {
        worker.Program!.ExecAnnounced = false; // the end of the connection is the launcher exiting, not the program running
        SupervisorLog.ProgramExecFailed(logger, worker.Pid, worker.Generation, worker.Program.Path, reason);
        worker.Lifecycle.Fail(worker.Failure($"program {worker.Program.Path} could not be started: {reason}"));
    }

    public void ConnectionClosed(WorkerProcess worker)
    {
        var program = worker.Program!;
        if (!program.ExecAnnounced || worker.Exited.IsCompleted) return; // the launcher died before its exec: the pool sees the exit
        program.Running = true;
        // Its own generation's plan: a reload may have changed Ready for the generations after it.
        var settings = worker.Plan.Settings.Workers;
        SupervisorLog.ProgramRunning(logger, worker.Pid, worker.Generation, program.Path, settings.Ready.ToString().ToLowerInvariant());
        if (settings.Ready == ReadyMode.Started) _ = ReadyWhenStartedAsync(worker);
    }

    // Workers:Ready = started: a program that sends nothing is ready once it runs, after ReadyDelay, if still alive.
    private async Task ReadyWhenStartedAsync(WorkerProcess worker)
    {
        var delay = worker.Plan.Settings.Workers.ReadyDelay;
        if (delay > TimeSpan.Zero)
            await Task.WhenAny(worker.Exited, Task.Delay(delay)).ConfigureAwait(false);
        if (worker.Exited.IsCompleted) return;
        worker.Program!.LastPing = DateTimeOffset.UtcNow;
        pool.MarkReady(worker, ReadyReport.Program);
    }
}
