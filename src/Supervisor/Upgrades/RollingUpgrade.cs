using System.Diagnostics;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// <c>Workers:Strategy = "rolling"</c>: replaces the serving generation one slot at a time, for hosts that cannot
/// hold two generations in memory. For each slot the new worker is spawned and ready (ReadyTimeout per slot)
/// before the slot's old worker drains, and the old one has exited before the next slot's new worker is
/// spawned: never more than Count+1 workers run (Count the larger of the two plans' counts).
/// From the first slot handed over, the new generation is the serving one (connections handed over go to its
/// ready workers, status shows it) while the slots not reached yet keep their old workers, which serve and are
/// restarted if they crash (the pool's slot owners). A failure at slot k (not ready in time, exits) stops the
/// roll and rolls the slots already replaced back, each the same way (a worker of the slot's previous plan
/// ready first, then the new one drains), so the service ends on the previous plan with its Count workers.
/// Runs inside <see cref="UpgradeCoordinator.UpgradeAsync"/>: one upgrade at a time, requests queue meanwhile.
/// </summary>
internal sealed class RollingUpgrade(WorkerPool pool, GenerationRetirement retirement, ILogger<RollingUpgrade> logger)
{
    /// <summary>Rolls the serving generation's slots over to <paramref name="plan"/>, or back again and says why not.</summary>
    public async Task<UpgradeResult> RunAsync(GenerationPlan plan, int previous)
    {
        var clock = Stopwatch.StartNew();
        int generation = plan.Generation;
        // What a roll back restores: the generation that serves each slot now (mid-roll after an earlier roll
        // back that could not restore a slot, not every slot is the serving generation's).
        var before = pool.SlotOwners();
        // Taken now: the pool forgets a plan once its generation has no worker and no slot left, and a roll
        // back may need one whose every slot was replaced (when the new plan has more workers).
        var plans = before.Values.Distinct().Select(pool.PlanOf).OfType<GenerationPlan>().ToDictionary(p => p.Generation);
        int newCount = plan.Settings.Workers.Count;
        var slots = before.Keys.Union(Enumerable.Range(0, newCount)).Order().ToList();
        SupervisorLog.RollStarting(logger, previous, generation, slots.Count);

        var replaced = new List<int>();
        var retiringSince = TimeSpan.Zero;
        foreach (int slot in slots)
        {
            pool.RecordUpgradeProgress($"rolling to generation {generation}: slot {slot} ({replaced.Count} of {slots.Count} done)");
            if (slot >= newCount)
            {
                // The new plan has fewer workers: this slot only loses its old one.
                if (!await DrainAndWaitAsync(pool.GiveSlot(slot, null)!, $"rolling upgrade to generation {generation}: slot {slot} removed").ConfigureAwait(false))
                    return Stopping(previous, clock);
                continue;
            }

            var (worker, failure) = await StartSlotAsync(plan, slot, $"rolling upgrade to generation {generation} stopped").ConfigureAwait(false);
            var old = worker is null ? null : pool.GiveSlot(slot, worker);
            if (old is null)
            {
                if (pool.Stopping.IsCancellationRequested) return Stopping(previous, clock);
                if (worker is not null)
                {
                    failure = $"{worker} exited before its slot was handed to it";
                    if (!await WaitExitedAsync(worker).ConfigureAwait(false)) return Stopping(previous, clock);
                }
                return await RollBackAsync(plan, previous, before, plans, replaced, slot, slots.Count, failure!, clock).ConfigureAwait(false);
            }
            if (replaced.Count == 0)
            {
                pool.PromoteMidRoll(generation, $"rolling to generation {generation}: slot {slot} of {slots.Count}");
                retiringSince = clock.Elapsed;
            }
            replaced.Add(slot);

            var drain = Stopwatch.StartNew();
            if (!await DrainAndWaitAsync(old, $"rolling upgrade to generation {generation}, slot {slot}").ConfigureAwait(false))
                return Stopping(previous, clock);
            SupervisorLog.SlotRolled(logger, slot, before.GetValueOrDefault(slot), generation, worker!.Pid, old.Count, drain.Elapsed.TotalMilliseconds);
        }

        // Every slot is the new generation's: back to one owner for all.
        foreach (var straggler in pool.Promote(generation, $"to generation {generation} ok, rolling ({clock.Elapsed.TotalMilliseconds:0} ms)"))
            pool.Drain(straggler, $"upgrade to generation {generation}");
        SupervisorLog.RollDone(logger, generation, slots.Count, clock.Elapsed.TotalMilliseconds, previous);
        foreach (int retired in before.Values.Distinct())
            retirement.Report(retired, generation, clock.Elapsed - retiringSince);
        return new UpgradeResult(true, generation, previous, "", clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Undoes the slots already replaced after slot <paramref name="failedSlot"/> failed: each gets a worker of its
    /// previous owner's plan (ready first), then the new generation's worker there drains and exits.
    /// </summary>
    private async Task<UpgradeResult> RollBackAsync(GenerationPlan plan, int previous, IReadOnlyDictionary<int, int> before,
        IReadOnlyDictionary<int, GenerationPlan> plans, List<int> replaced, int failedSlot, int slotCount, string failure, Stopwatch clock)
    {
        int generation = plan.Generation;
        var kept = new List<int>();
        var retiringSince = TimeSpan.Zero;
        if (replaced.Count > 0)
        {
            SupervisorLog.RollingBack(logger, Slots(replaced), previous, failedSlot, generation);
            // Back to serving first: the new generation's workers drained below hand their connections to it.
            pool.PromoteMidRoll(previous, $"rolling back from generation {generation}");
            retiringSince = clock.Elapsed;
            foreach (int slot in replaced)
            {
                if (await RollSlotBackAsync(slot, before, plans, generation) is { } why)
                {
                    if (pool.Stopping.IsCancellationRequested) return Stopping(previous, clock);
                    SupervisorLog.SlotRollBackFailed(logger, slot, before.GetValueOrDefault(slot), generation, why);
                    kept.Add(slot);
                }
            }
        }

        string outcome = replaced.Count == 0
            ? $"nothing to roll back, generation {previous} keeps serving"
            : kept.Count == 0
                ? $"{Slots(replaced)} rolled back, generation {previous} serves with {before.Count} workers"
                : $"{Slots(replaced)} rolled back except {Slots(kept)}, which keep generation {generation}'s worker";
        if (kept.Count == 0 && replaced.Count > 0)
        {
            // Every slot has its previous owner again: one owner for all, as before the roll.
            foreach (var straggler in pool.Promote(previous, ""))
                pool.Drain(straggler, $"generation {generation} rolled back");
        }
        string reason = $"rolling upgrade stopped at slot {failedSlot} ({failedSlot + 1} of {slotCount}): {failure}; {outcome}";
        pool.RecordFailedUpgrade($"to generation {generation} failed: {reason}");
        SupervisorLog.RollFailed(logger, generation, failedSlot, failedSlot + 1, slotCount, failure, outcome);
        if (replaced.Count > 0 && kept.Count == 0) retirement.Report(generation, previous, clock.Elapsed - retiringSince);
        return new UpgradeResult(false, previous, previous, reason, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>Gives <paramref name="slot"/> back to its previous owner; null when done, otherwise why not.</summary>
    private async Task<string?> RollSlotBackAsync(int slot, IReadOnlyDictionary<int, int> before, IReadOnlyDictionary<int, GenerationPlan> plans, int failedGeneration)
    {
        if (!before.TryGetValue(slot, out int owner))
        {
            // A slot the previous plan never had (the new one has more workers): it only loses the new worker.
            return await DrainAndWaitAsync(pool.GiveSlot(slot, null)!, $"generation {failedGeneration} rolled back").ConfigureAwait(false)
                ? null : "the supervisor is stopping";
        }
        if (!plans.TryGetValue(owner, out var ownerPlan)) return $"the plan of generation {owner} is unknown";
        var (worker, failure) = await StartSlotAsync(ownerPlan, slot, $"roll back of slot {slot} to generation {owner} failed").ConfigureAwait(false);
        if (worker is null) return failure;
        var old = pool.GiveSlot(slot, worker);
        if (old is null)
        {
            await WaitExitedAsync(worker).ConfigureAwait(false);
            return $"{worker} exited before its slot was handed to it";
        }
        var drain = Stopwatch.StartNew();
        if (!await DrainAndWaitAsync(old, $"generation {failedGeneration} rolled back").ConfigureAwait(false))
            return "the supervisor is stopping";
        SupervisorLog.SlotRolledBack(logger, slot, owner, worker.Pid, old.Count, failedGeneration, drain.Elapsed.TotalMilliseconds);
        return null;
    }

    /// <summary>
    /// Spawns <paramref name="plan"/>'s worker for <paramref name="slot"/> and waits until it is ready; one that
    /// fails is drained and has exited before this returns (so the next spawn keeps within Count+1).
    /// </summary>
    private async Task<(WorkerProcess? Worker, string? Failure)> StartSlotAsync(GenerationPlan plan, int slot, string drainReason)
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
        pool.Drain(worker, drainReason);
        await WaitExitedAsync(worker).ConfigureAwait(false); // if the supervisor stops first, the pool drains it
        return (null, failure);
    }

    /// <summary>Drains <paramref name="workers"/> and waits until every one has exited; false if the supervisor stops first.</summary>
    private async Task<bool> DrainAndWaitAsync(IReadOnlyList<WorkerProcess> workers, string reason)
    {
        foreach (var w in workers) pool.Drain(w, reason);
        try
        {
            // Exited, not only told: the next slot's spawn must not overlap with these (Count+1 at most).
            await Task.WhenAll(workers.Select(w => w.Exited)).WaitAsync(pool.Stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> WaitExitedAsync(WorkerProcess worker)
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

    private UpgradeResult Stopping(int previous, Stopwatch clock) =>
        new(false, previous, previous, "the supervisor is stopping", clock.Elapsed.TotalMilliseconds);

    private static string Slots(IReadOnlyList<int> slots) =>
        slots.Count == 1 ? $"slot {slots[0]}"
        : slots.Zip(slots.Skip(1)).All(p => p.Second == p.First + 1) ? $"slots {slots[0]}-{slots[^1]}"
        : $"slots {string.Join(", ", slots)}";
}
