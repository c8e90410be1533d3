using System.Diagnostics;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The retired step of a generation: what is said once its last worker has exited, whichever strategy retired it:
/// how long its drain took and what became of its established connections, in the log, in the upgrade history
/// (status) and in the drain-time metric.
/// </summary>
internal sealed class GenerationRetirement(UpgradeHistory history, ConnectionRouter router, Metrics.SupervisorMetrics metrics, ILogger<GenerationRetirement> logger)
{
    public void Report(int generation, int successor, TimeSpan drain)
    {
        var tally = router.TallyOf(generation);
        history.RecordRetirement(new RetirementRecord(generation, tally.Moved, tally.Refused + tally.Closed, tally.LastReason));
        metrics.GenerationDrained(drain);
        SupervisorLog.GenerationRetired(logger, generation, successor, drain.TotalMilliseconds, tally.Moved, tally.Refused, tally.Closed);
    }

    /// <summary>Reports <paramref name="generation"/> once every one of <paramref name="workers"/> (its last) has exited, timed from now.</summary>
    public async Task ReportWhenExitedAsync(int generation, int successor, IReadOnlyList<WorkerProcess> workers)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(w => w.Exited)).ConfigureAwait(false);
        Report(generation, successor, clock.Elapsed);
    }
}
