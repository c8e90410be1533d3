using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The steps a rolling upgrade takes on one slot: start a worker there and wait until it is ready, drain workers and
/// wait until they have exited (not only told: the next slot's spawn must not overlap with them, Count+1 at most).
/// Each returns false or a failure when the supervisor stops first; the pool then drains what is left.
/// </summary>
internal sealed class SlotSteps(WorkerPool pool, WorkerDrain drain)
{
    /// <summary>
    /// Spawns <paramref name="plan"/>'s worker for <paramref name="slot"/> and waits until it is ready; one that fails
    /// is drained and has exited before this returns (so the next spawn keeps within Count+1).
    /// </summary>
    public async Task<(WorkerProcess? Worker, string? Failure)> StartAsync(GenerationPlan plan, int slot, string drainReason)
    {
        WorkerProcess worker;
        try
        {
            worker = pool.Spawn(plan, slot, restarts: 0);
        }
        catch (SupervisorException e)
        {
            return (null, e.Message);
        }
        var failure = await ReadinessGate.WaitAllReadyAsync([worker], plan.Settings.Workers.ReadyTimeout, pool.Stopping).ConfigureAwait(false);
        if (failure is null) return (worker, null);
        drain.Drain(worker, drainReason);
        await WaitExitedAsync(worker).ConfigureAwait(false); // if the supervisor stops first, the pool drains it
        return (null, failure);
    }

    public void Drain(WorkerProcess worker, string reason) => drain.Drain(worker, reason);

    /// <summary>Drains <paramref name="workers"/> and waits until every one has exited; false if the supervisor stops first.</summary>
    public async Task<bool> DrainAndWaitAsync(IReadOnlyList<WorkerProcess> workers, string reason)
    {
        foreach (var w in workers) drain.Drain(w, reason);
        try
        {
            await Task.WhenAll(workers.Select(w => w.Exited)).WaitAsync(pool.Stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<bool> WaitExitedAsync(WorkerProcess worker)
    {
        try
        {
            await worker.Exited.WaitAsync(pool.Stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
