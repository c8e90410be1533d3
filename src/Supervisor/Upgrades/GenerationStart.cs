using System.Diagnostics;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The spawn and ready steps of a whole generation: spawns every slot of a plan and waits at the
/// <see cref="ReadinessGate"/>. A generation that fails is drained, also when an unexpected exception goes on to the
/// caller, never left as half a generation nobody promotes. Generation 1 starts this way, and so does every
/// generation of the all-at-once strategy.
/// </summary>
internal sealed class GenerationStart(WorkerPool pool, WorkerDrain drain, ILogger<GenerationStart> logger)
{
    /// <summary>Every worker of <paramref name="plan"/> ready, or why not (its workers are then draining).</summary>
    public async Task<GenerationOutcome> StartAsync(GenerationPlan plan)
    {
        var clock = Stopwatch.StartNew();
        var from = plan.Settings;
        int generation = plan.Generation;
        var started = new List<WorkerProcess>();
        string? failure;
        try
        {
            for (int slot = 0; slot < from.Workers.Count; slot++)
                started.Add(pool.Spawn(plan, slot, restarts: 0));
            failure = await ReadinessGate.WaitAllReadyAsync(started, from.Workers.ReadyTimeout, pool.Stopping).ConfigureAwait(false);
        }
        catch (SupervisorException e)
        {
            failure = e.Message;
        }
        catch
        {
            foreach (var w in started) drain.Drain(w, $"generation {generation} failed to start");
            throw;
        }
        if (failure is null)
        {
            WarnUnserved(plan, started);
            return new GenerationOutcome(generation, true, "", clock.Elapsed);
        }
        foreach (var w in started) drain.Drain(w, $"generation {generation} rolled back");
        return new GenerationOutcome(generation, false, failure, clock.Elapsed);
    }

    /// <summary>
    /// A listener handed to a generation none of whose workers serves it: its connections would wait in the
    /// backlog unseen. Only when every worker said what it serves (Ready's listener names).
    /// </summary>
    private void WarnUnserved(GenerationPlan plan, IReadOnlyList<WorkerProcess> workers)
    {
        if (workers.Any(w => w.Serving is null)) return;
        var served = workers.SelectMany(w => w.Serving!).ToHashSet();
        foreach (var l in plan.Listeners.Where(l => !served.Contains(l.Spec.Name)))
            SupervisorLog.ListenerUnserved(logger, l.Spec.Name, l.Spec.Address, plan.Generation, $"the workers serve {string.Join(", ", served.Order())}: rename Listeners:{l.Spec.Name} to a name the worker serves, or remove it");
    }
}
