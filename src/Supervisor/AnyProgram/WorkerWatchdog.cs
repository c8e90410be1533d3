using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// Workers:WatchdogSec: a ready systemd-protocol worker that sent no WATCHDOG=1 for that long is killed
/// with its group; the pool restarts it as a crash (serving generation) or the gate rolls it back.
/// </summary>
internal sealed class WorkerWatchdog(SupervisorSettings settings, WorkerTable workers, WorkerDrain drain, ILogger logger)
{
    public async Task RunAsync(CancellationToken stopping)
    {
        var limit = TimeSpan.FromSeconds(settings.Workers.WatchdogSec);
        using var timer = new PeriodicTimer(limit / 4);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                var now = DateTimeOffset.UtcNow;
                foreach (var w in workers.All)
                {
                    if (w.Program is null || w.State != WorkerState.Ready) continue;
                    var silent = now - w.Program.LastPing;
                    if (silent <= limit) continue;
                    SupervisorLog.WatchdogExpired(logger, w.Pid, w.Generation, silent.TotalMilliseconds, limit.TotalMilliseconds);
                    drain.Kill(w, $"no WATCHDOG=1 for {silent.TotalSeconds:0.#} s (Workers:WatchdogSec {limit.TotalSeconds:0.#})");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
