using System.Diagnostics;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// One rolling upgrade from <see cref="Previous"/> to <see cref="Plan"/>'s generation and everything it knows while it
/// runs: what each slot had before (what a roll back restores), the plans of those owners, the slots replaced so far
/// and its clock. Forward here; backward in <see cref="RollBackAsync"/>. The steps of one slot are <see cref="SlotSteps"/>.
/// </summary>
internal sealed class Roll
{
    private readonly WorkerPool _pool;
    private readonly UpgradeHistory _history;
    private readonly GenerationRetirement _retirement;
    private readonly ILogger _logger;
    private readonly SlotSteps _steps;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<int> _replaced = [];
    private TimeSpan _retiringSince;

    public Roll(GenerationPlan plan, int previous, WorkerPool pool, WorkerDrain drain, UpgradeHistory history, GenerationRetirement retirement, ILogger logger)
    {
        (Plan, Previous, _pool, _history, _retirement, _logger) = (plan, previous, pool, history, retirement, logger);
        _steps = new SlotSteps(pool, drain);
        // What a roll back restores: the generation that serves each slot now (mid-roll after an earlier roll back
        // that could not restore a slot, not every slot is the serving generation's).
        Before = pool.Slots.Owners();
        // Taken now: the slot table forgets a plan once its generation has no worker and no slot left, and a roll
        // back may need one whose every slot was replaced (when the new plan has more workers).
        PlansBefore = Before.Values.Distinct().Select(pool.Slots.PlanOf).OfType<GenerationPlan>().ToDictionary(p => p.Generation);
        Slots = Before.Keys.Union(Enumerable.Range(0, plan.Settings.Workers.Count)).Order().ToList();
    }

    public GenerationPlan Plan { get; }
    public int Generation => Plan.Generation;
    public int Previous { get; }

    /// <summary>Each slot's owner when the roll began.</summary>
    public IReadOnlyDictionary<int, int> Before { get; }

    public IReadOnlyDictionary<int, GenerationPlan> PlansBefore { get; }

    /// <summary>Every slot either plan has, in the order they are rolled.</summary>
    public IReadOnlyList<int> Slots { get; }

    public async Task<UpgradeOutcome> RunAsync()
    {
        SupervisorLog.RollStarting(_logger, Previous, Generation, Slots.Count);
        foreach (int slot in Slots)
        {
            _history.Record($"rolling to generation {Generation}: slot {slot} ({_replaced.Count} of {Slots.Count} done)");
            if (slot >= Plan.Settings.Workers.Count)
            {
                // The new plan has fewer workers: this slot only loses its old one.
                if (!await _steps.DrainAndWaitAsync(_pool.Slots.GiveSlot(slot, null)!, $"rolling upgrade to generation {Generation}: slot {slot} removed").ConfigureAwait(false))
                    return Stopping();
                continue;
            }

            var (worker, failure) = await _steps.StartAsync(Plan, slot, $"rolling upgrade to generation {Generation} stopped").ConfigureAwait(false);
            var old = worker is null ? null : _pool.Slots.GiveSlot(slot, worker);
            if (old is null)
            {
                if (_pool.Stopping.IsCancellationRequested) return Stopping();
                if (worker is not null)
                {
                    failure = $"{worker} exited before its slot was handed to it";
                    if (!await _steps.WaitExitedAsync(worker).ConfigureAwait(false)) return Stopping();
                }
                return await RollBackAsync(slot, failure!).ConfigureAwait(false);
            }
            if (_replaced.Count == 0)
            {
                _pool.PromoteMidRoll(Generation);
                _history.Record($"rolling to generation {Generation}: slot {slot} of {Slots.Count}");
                _retiringSince = _clock.Elapsed;
            }
            _replaced.Add(slot);

            var drain = Stopwatch.StartNew();
            if (!await _steps.DrainAndWaitAsync(old, $"rolling upgrade to generation {Generation}, slot {slot}").ConfigureAwait(false))
                return Stopping();
            SupervisorLog.SlotRolled(_logger, slot, Before.GetValueOrDefault(slot), Generation, worker!.Pid, old.Count, drain.Elapsed.TotalMilliseconds);
        }

        // Every slot is the new generation's: back to one owner for all.
        foreach (var straggler in _pool.Promote(Generation))
            _steps.Drain(straggler, $"upgrade to generation {Generation}");
        SupervisorLog.RollDone(_logger, Generation, Slots.Count, _clock.Elapsed.TotalMilliseconds, Previous);
        foreach (int retired in Before.Values.Distinct())
            _retirement.Report(retired, Generation, _clock.Elapsed - _retiringSince);
        return UpgradeOutcome.Succeeded(Generation, Previous, _clock.Elapsed);
    }

    /// <summary>
    /// Undoes the slots already replaced after <paramref name="failedSlot"/> failed: each gets a worker of its previous
    /// owner's plan (ready first), then the new generation's worker there drains and exits.
    /// </summary>
    private async Task<UpgradeOutcome> RollBackAsync(int failedSlot, string failure)
    {
        var kept = new List<int>();
        if (_replaced.Count > 0)
        {
            SupervisorLog.RollingBack(_logger, SlotList(_replaced), Previous, failedSlot, Generation);
            // Back to serving first: the new generation's workers drained below hand their connections to it.
            _pool.PromoteMidRoll(Previous);
            _history.Record($"rolling back from generation {Generation}");
            _retiringSince = _clock.Elapsed;
            foreach (int slot in _replaced)
            {
                if (await RollSlotBackAsync(slot).ConfigureAwait(false) is { } why)
                {
                    if (_pool.Stopping.IsCancellationRequested) return Stopping();
                    SupervisorLog.SlotRollBackFailed(_logger, slot, Before.GetValueOrDefault(slot), Generation, why);
                    kept.Add(slot);
                }
            }
        }

        string outcome = _replaced.Count == 0
            ? $"nothing to roll back, generation {Previous} keeps serving"
            : kept.Count == 0
                ? $"{SlotList(_replaced)} rolled back, generation {Previous} serves with {Before.Count} workers"
                : $"{SlotList(_replaced)} rolled back except {SlotList(kept)}, which keep generation {Generation}'s worker";
        if (kept.Count == 0 && _replaced.Count > 0)
        {
            // Every slot has its previous owner again: one owner for all, as before the roll.
            foreach (var straggler in _pool.Promote(Previous))
                _steps.Drain(straggler, $"generation {Generation} rolled back");
        }
        string reason = $"rolling upgrade stopped at slot {failedSlot} ({failedSlot + 1} of {Slots.Count}): {failure}; {outcome}";
        SupervisorLog.RollFailed(_logger, Generation, failedSlot, failedSlot + 1, Slots.Count, failure, outcome);
        if (_replaced.Count > 0 && kept.Count == 0) _retirement.Report(Generation, Previous, _clock.Elapsed - _retiringSince);
        return UpgradeOutcome.Failed(Generation, Previous, reason, _clock.Elapsed);
    }

    /// <summary>Gives <paramref name="slot"/> back to its previous owner; null when done, otherwise why not.</summary>
    private async Task<string?> RollSlotBackAsync(int slot)
    {
        if (!Before.TryGetValue(slot, out int owner))
        {
            // A slot the previous plan never had (the new one has more workers): it only loses the new worker.
            return await _steps.DrainAndWaitAsync(_pool.Slots.GiveSlot(slot, null)!, $"generation {Generation} rolled back").ConfigureAwait(false)
                ? null : "the supervisor is stopping";
        }
        if (!PlansBefore.TryGetValue(owner, out var ownerPlan)) return $"the plan of generation {owner} is unknown";
        var (worker, failure) = await _steps.StartAsync(ownerPlan, slot, $"roll back of slot {slot} to generation {owner} failed").ConfigureAwait(false);
        if (worker is null) return failure;
        var old = _pool.Slots.GiveSlot(slot, worker);
        if (old is null)
        {
            await _steps.WaitExitedAsync(worker).ConfigureAwait(false);
            return $"{worker} exited before its slot was handed to it";
        }
        var drain = Stopwatch.StartNew();
        if (!await _steps.DrainAndWaitAsync(old, $"generation {Generation} rolled back").ConfigureAwait(false))
            return "the supervisor is stopping";
        SupervisorLog.SlotRolledBack(_logger, slot, owner, worker.Pid, old.Count, Generation, drain.Elapsed.TotalMilliseconds);
        return null;
    }

    private UpgradeOutcome Stopping() => UpgradeOutcome.Failed(Generation, Previous, "the supervisor is stopping", _clock.Elapsed);

    private static string SlotList(IReadOnlyList<int> slots) =>
        slots.Count == 1 ? $"slot {slots[0]}"
        : slots.Zip(slots.Skip(1)).All(p => p.Second == p.First + 1) ? $"slots {slots[0]}-{slots[^1]}"
        : $"slots {string.Join(", ", slots)}";
}
