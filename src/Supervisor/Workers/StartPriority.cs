using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// A new generation warms up at a lower CPU priority (<c>Workers:StartNice</c>) while another one serves, and is
/// raised to normal the moment it reports ready. Why: a worker's start (the runtime, JIT, Kestrel) is seconds of
/// CPU; on a host whose cores the serving generation already fills, two such starts took the CPU from the
/// requests being served (p99 ×40 in docs/benchmarks.md). Nothing is lowered when no other generation serves
/// (generation 1, a crashed slot of the serving generation): then the start itself is what clients wait for.
/// A worker still not ready a quarter of ReadyTimeout into its warm-up is raised anyway: the lower priority must
/// never be what makes an upgrade fail.
/// Raising a priority back needs CAP_SYS_NICE or RLIMIT_NICE ≥ 20 (systemd: <c>LimitNICE=+0</c>); a
/// supervisor without either lowers nothing (a worker stuck at a low priority would be worse) and says so once.
/// </summary>
internal sealed class StartPriority(ILogger<StartPriority> logger)
{
    // "Normal" is the supervisor's own nice value (what its workers inherit), 0 unless the operator set one.
    private readonly int _normal = ProcessPriority.Own();

    private readonly Lazy<bool> _canRestore = new(() =>
    {
        if (ProcessPriority.CanRestore(ProcessPriority.Own(), out string why)) return true;
        SupervisorLog.StartPriorityUnavailable(logger, why);
        return false;
    });

    /// <summary>
    /// Lowers a worker just spawned while <paramref name="slotOwner"/>, another generation, serves its slot (0: nobody
    /// serves it yet). A systemd-protocol worker is a session of its own (the launcher's setsid): its children inherit.
    /// </summary>
    public void Lower(WorkerProcess worker, int slotOwner)
    {
        int nice = Math.Min(19, _normal + worker.Plan.Settings.Workers.StartNice);
        if (nice <= _normal || slotOwner == 0 || slotOwner == worker.Generation || !_canRestore.Value) return;
        int threads = ProcessPriority.SetProcess(worker.Pid, nice);
        if (threads == 0) return; // gone already
        worker.MarkLowered();
        SupervisorLog.WorkerLowered(logger, worker.Pid, worker.Generation, nice, slotOwner, threads);
        _ = RaiseIfStillWarmingAsync(worker);
    }

    /// <summary>Back to the supervisor's own nice value once ready: every thread, and for a systemd-protocol worker every process of its session.</summary>
    public void Raise(WorkerProcess worker)
    {
        if (!worker.TryClearLowered()) return;
        int threads = RaiseNow(worker);
        SupervisorLog.WorkerRaised(logger, worker.Pid, worker.Generation, _normal, threads);
    }

    // The lower priority must never be why an upgrade fails: on a host saturated by more than the serving generation
    // a lowered worker may barely run. A quarter of ReadyTimeout into its warm-up, a worker not ready yet is raised,
    // and has the rest of ReadyTimeout at normal priority.
    private async Task RaiseIfStillWarmingAsync(WorkerProcess worker)
    {
        var limit = worker.Plan.Settings.Workers.ReadyTimeout / 4;
        await Task.WhenAny(worker.Ready, worker.Exited, Task.Delay(limit)).ConfigureAwait(false);
        if (worker.Ready.IsCompleted || worker.Exited.IsCompleted || !worker.TryClearLowered()) return;
        int threads = RaiseNow(worker);
        SupervisorLog.WorkerRaisedUnready(logger, worker.Pid, worker.Generation, limit.TotalMilliseconds, _normal, threads);
    }

    private int RaiseNow(WorkerProcess worker) =>
        worker.Program is null ? ProcessPriority.SetProcess(worker.Pid, _normal) : ProcessPriority.SetSession(worker.Pid, _normal);
}
