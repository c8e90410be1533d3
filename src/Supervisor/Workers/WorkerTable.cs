namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// Every worker process alive now, by pid: the one table the control server, the router, the notify server,
/// status and the metrics look workers up in. A worker is added the moment it is spawned (under the table's lock,
/// so its Hello, which may come before the spawn returns, finds it) and removed when its exit has been seen.
/// The table holds no worker state of its own: that is each worker's <see cref="WorkerLifecycle"/>.
/// </summary>
internal sealed class WorkerTable
{
    private readonly Lock _lock = new();
    private readonly List<WorkerProcess> _workers = [];

    /// <summary>A copy of the table, in spawn order.</summary>
    public IReadOnlyList<WorkerProcess> All { get { lock (_lock) return _workers.ToList(); } }

    /// <summary>True when the table's lock can be taken within <paramref name="timeout"/>: it is not wedged.</summary>
    public bool IsResponsive(TimeSpan timeout)
    {
        if (!_lock.TryEnter(timeout)) return false;
        _lock.Exit();
        return true;
    }

    /// <summary>Runs <paramref name="spawn"/> and adds what it started, as one step: nobody looks the new worker up in between.</summary>
    public WorkerProcess Add(Func<WorkerProcess> spawn)
    {
        lock (_lock)
        {
            var worker = spawn();
            _workers.Add(worker);
            return worker;
        }
    }

    public void Remove(WorkerProcess worker)
    {
        lock (_lock) _workers.Remove(worker);
    }

    public WorkerProcess? Find(int pid)
    {
        lock (_lock) return _workers.Find(w => w.Pid == pid);
    }

    public IReadOnlyList<WorkerProcess> Where(Func<WorkerProcess, bool> predicate)
    {
        lock (_lock) return _workers.Where(predicate).ToList();
    }

    public bool Any(Func<WorkerProcess, bool> predicate)
    {
        lock (_lock) return _workers.Any(predicate);
    }
}
