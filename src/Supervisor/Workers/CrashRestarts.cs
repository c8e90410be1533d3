using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// Restarts a crashed worker into its slot after the slot's <see cref="RestartBackoff"/> delay, from its own
/// generation's plan, if that generation still owns the slot then (an upgrade may have replaced it meanwhile).
/// Owned by the <see cref="WorkerPool"/>, which hands it every crash; the backoff state is kept here, under its lock.
/// </summary>
internal sealed class CrashRestarts(
    RestartBackoff backoff,
    SlotTable slots,
    Func<GenerationPlan, int, int, WorkerProcess> spawn,
    Metrics.SupervisorMetrics metrics,
    ILogger logger,
    CancellationToken stopping)
{
    private readonly Lock _lock = new();

    /// <summary>A crash of <paramref name="slot"/>'s worker after <paramref name="uptime"/>: a restart later, with the next delay.</summary>
    public void Schedule(GenerationPlan plan, int slot, TimeSpan uptime)
    {
        (int Crashes, TimeSpan Delay) next;
        lock (_lock) next = backoff.Next(slot, uptime);
        SupervisorLog.WorkerRestartScheduled(logger, plan.Generation, slot, next.Delay.TotalMilliseconds, next.Crashes);
        metrics.WorkerRestartScheduled();
        _ = RestartLaterAsync(plan, slot, next.Crashes, next.Delay);
    }

    /// <summary>A new generation serves: its slots have not crashed yet.</summary>
    public void Reset()
    {
        lock (_lock) backoff.Reset();
    }

    /// <summary>Takes over the crashes in a row of the saved state.</summary>
    public void Restore(IReadOnlyDictionary<int, int> crashesInARow)
    {
        lock (_lock) backoff.Restore(crashesInARow);
    }

    /// <summary>Crashes in a row per slot, to be written out with the supervisor's state.</summary>
    public IReadOnlyDictionary<int, int> Snapshot()
    {
        lock (_lock) return backoff.Snapshot();
    }

    private async Task RestartLaterAsync(GenerationPlan plan, int slot, int crashes, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        try
        {
            // Null: an upgrade since the crash replaced the slot already (mid-roll: handed it to another generation).
            slots.SpawnIfOwner(plan.Generation, slot, () => spawn(plan, slot, crashes));
        }
        catch (SupervisorException e)
        {
            SupervisorLog.WorkerRestartFailed(logger, plan.Generation, slot, e.Message);
            Schedule(plan, slot, TimeSpan.Zero);
        }
    }
}
