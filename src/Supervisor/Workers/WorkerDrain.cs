using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// The drain step of a worker's life and its end: tells a worker to drain (stop accepting, finish, exit within its
/// plan's drain timeout), kills what has not exited by its deadline, and kills at once on request (watchdog,
/// WATCHDOG=trigger, a worker that never connected). The Draining transition itself is the worker's lifecycle's.
/// </summary>
internal sealed class WorkerDrain(Metrics.SupervisorMetrics metrics, ILogger<WorkerDrain> logger)
{
    /// <summary>Drains <paramref name="worker"/> for an upgrade or roll back: idle keep-alive connections get the whole drain time.</summary>
    public void Drain(WorkerProcess worker, string reason) => Drain(worker, reason, worker.Plan.Settings.Workers.DrainTimeout);

    /// <param name="closeIdleAfter">How long the worker keeps idle keep-alive connections open (answering any request on
    /// them with Connection: close) before closing them. Upgrades give the whole drain time: the new generation serves
    /// meanwhile, and every client gets a clean close. A stopping supervisor gives little: nothing accepts until the
    /// next one runs.</param>
    public void Drain(WorkerProcess worker, string reason, TimeSpan closeIdleAfter)
    {
        var timeout = worker.Plan.Settings.Workers.DrainTimeout;
        if (!worker.Lifecycle.TryDrain(DateTimeOffset.UtcNow + timeout, out var channel)) return;
        SupervisorLog.WorkerDraining(logger, worker.Pid, worker.Generation, reason, timeout.TotalMilliseconds);
        bool told = false;
        if (worker.Program is not null)
        {
            // No control connection after the exec: the drain is a signal to the whole process group
            // (a launcher not yet exec'd stops on it as well; one without a group yet is killed below).
            told = ProgramSignals.Drain(worker, worker.Plan.Settings.Workers.DrainSignal);
        }
        else if (channel is not null)
        {
            try
            {
                channel.Send(new DrainMessage((int)timeout.TotalMilliseconds, reason, (int)Math.Min(closeIdleAfter.TotalMilliseconds, timeout.TotalMilliseconds)));
                told = true;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                SupervisorLog.WorkerUnreachable(logger, worker.Pid, worker.Generation, e.Message);
            }
        }
        if (!told) Kill(worker, "not connected, nothing to drain");
        _ = KillAtDeadlineAsync(worker, timeout);
    }

    /// <summary>
    /// A draining worker this image took over (after a re-exec or a crash): killed at the deadline its drain was given,
    /// or at once if that has passed.
    /// </summary>
    public void KeepDeadline(WorkerProcess worker)
    {
        if (worker.Lifecycle.DrainDeadline is not { } deadline) return;
        var left = deadline - DateTimeOffset.UtcNow;
        _ = KillAtDeadlineAsync(worker, left > TimeSpan.Zero ? left : TimeSpan.Zero);
    }

    /// <summary>Kills a worker now (SIGKILL; its whole process group for a systemd-protocol worker).</summary>
    public void Kill(WorkerProcess worker, string why)
    {
        if (worker.State == WorkerState.Exited || worker.Process.HasExited) return;
        SupervisorLog.WorkerKilled(logger, worker.Pid, worker.Generation, why);
        worker.Process.Kill();
        if (worker.Program is not null) ProgramSignals.KillGroup(worker);
    }

    private async Task KillAtDeadlineAsync(WorkerProcess worker, TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTimeOffset.UtcNow;
            if (left > TimeSpan.Zero && await Task.WhenAny(worker.Exited, Task.Delay(left)).ConfigureAwait(false) == worker.Exited) return;
            // EXTEND_TIMEOUT_USEC= from a systemd-protocol worker pushes its deadline out.
            var extended = worker.Program?.ExtendUntil ?? default;
            if (extended <= DateTimeOffset.UtcNow) break;
            deadline = extended;
        }
        Kill(worker, $"did not drain within {(DateTimeOffset.UtcNow - deadline + timeout).TotalSeconds:0.#} s");
        metrics.WorkerKilledAtDeadline();
    }
}
