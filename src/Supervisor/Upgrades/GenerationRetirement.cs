using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// What is said once a generation's last worker has exited, whichever strategy retired it: how long its drain
/// took and what became of its established connections, in the log, in status and in the drain-time metric.
/// </summary>
internal sealed class GenerationRetirement(WorkerPool pool, ConnectionRouter router, Metrics.SupervisorMetrics metrics, ILogger<GenerationRetirement> logger)
{
    public void Report(int generation, int successor, TimeSpan drain)
    {
        var tally = router.TallyOf(generation);
        pool.RecordRetirement(generation, tally.Moved, tally.Refused + tally.Closed, tally.LastReason);
        metrics.GenerationDrained(drain);
        SupervisorLog.GenerationRetired(logger, generation, successor, drain.TotalMilliseconds, tally.Moved, tally.Refused, tally.Closed);
    }
}
