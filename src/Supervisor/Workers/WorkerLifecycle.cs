using FdHandoff.Protocol;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// The one owner of a worker's changing state: where it is in its life (<see cref="WorkerState"/>), its control
/// channel, what its Ready said, its last load report and its exit. Every change is a transition method here, under
/// this worker's own lock, and says whether it happened: a caller acts on a transition only when it returns true.
/// <code>
/// Spawned ─Connect─► Connected ─HandOff─► HandedOff ─Ready─► Ready
///                        └──────────Ready (systemd protocol: READY=1 may come first)─┘
/// any live state ─Drain─► Draining;  any state ─Exit─► Exited
/// </code>
/// Pure: no process, no I/O, so the transitions are tested on their own (WorkerLifecycleTests).
/// </summary>
internal sealed class WorkerLifecycle
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _gone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerState _state = WorkerState.Spawned;
    private ControlChannel? _channel;
    private ReadyReport? _report;
    private int _connections = -1;
    private int? _exitCode;
    private bool _drained;
    private DateTimeOffset? _drainDeadline;

    /// <summary>For restoring a saved state (<see cref="SavedState.WorkerRecord"/>); a new worker starts <see cref="WorkerState.Spawned"/>.</summary>
    internal WorkerLifecycle(WorkerState state = WorkerState.Spawned, ReadyReport? report = null, int connections = -1, bool drained = false,
        ControlChannel? channel = null, DateTimeOffset? drainDeadline = null)
    {
        _state = state;
        _report = report;
        _connections = connections;
        _drained = drained;
        _channel = channel;
        _drainDeadline = drainDeadline;
        if (state is WorkerState.Ready or WorkerState.Draining && report is not null) _ready.TrySetResult();
    }

    public WorkerState State { get { lock (_lock) return _state; } }

    /// <summary>Its control channel from <see cref="TryConnect"/> on; owned by the worker, disposed at its exit.</summary>
    public ControlChannel? Channel { get { lock (_lock) return _channel; } }

    /// <summary>What its Ready said (null until then).</summary>
    public ReadyReport? Report { get { lock (_lock) return _report; } }

    /// <summary>Open connections as the worker last reported them; -1 until it reports.</summary>
    public int Connections { get { lock (_lock) return _connections; } }

    public int? ExitCode { get { lock (_lock) return _exitCode; } }

    /// <summary>The supervisor ended this worker (drain, roll back, stop): its exit is no crash.</summary>
    public bool Drained { get { lock (_lock) return _drained; } }

    /// <summary>When a draining worker is killed if it has not exited (null: not draining).</summary>
    public DateTimeOffset? DrainDeadline { get { lock (_lock) return _drainDeadline; } }

    /// <summary>Completes at the Ready transition; faults when the worker fails or exits first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes once the worker has exited and what it held here is released (<see cref="MarkGone"/>).</summary>
    public Task Gone => _gone.Task;

    /// <summary>Spawned → Connected: its Hello was accepted; from here the worker owns <paramref name="channel"/>.</summary>
    public bool TryConnect(ControlChannel channel)
    {
        lock (_lock)
        {
            if (_state != WorkerState.Spawned) return false;
            _state = WorkerState.Connected;
            _channel = channel;
            return true;
        }
    }

    /// <summary>Connected → HandedOff: every listener of its plan was sent.</summary>
    public bool TryHandOff() => Move(WorkerState.Connected, WorkerState.HandedOff);

    /// <summary>
    /// HandedOff → Ready (or Connected → Ready when <paramref name="fromConnected"/>: a systemd-protocol worker's
    /// READY=1 may arrive while its launcher's hand-off is still being recorded). Completes <see cref="Ready"/>, after
    /// <paramref name="first"/> ran: what must be said or done before anyone waiting on readiness goes on (the log
    /// line "ready" comes before the drain it lets happen).
    /// </summary>
    public bool TryReady(ReadyReport report, bool fromConnected = false, Action? first = null)
    {
        lock (_lock)
        {
            if (_state != WorkerState.HandedOff && !(fromConnected && _state == WorkerState.Connected)) return false;
            _state = WorkerState.Ready;
            _report = report;
        }
        first?.Invoke();
        _ready.TrySetResult();
        return true;
    }

    /// <summary>
    /// Any live state → Draining, to be killed at <paramref name="deadline"/>. Returns the channel to tell it on (null: it
    /// never connected), or false when it drains or exited already.
    /// </summary>
    public bool TryDrain(DateTimeOffset deadline, out ControlChannel? tell)
    {
        lock (_lock)
        {
            tell = null;
            if (_state is WorkerState.Draining or WorkerState.Exited) return false;
            tell = _state == WorkerState.Spawned ? null : _channel;
            _state = WorkerState.Draining;
            _drained = true;
            _drainDeadline = deadline;
            return true;
        }
    }

    /// <summary>The worker's own count of open connections (its Load messages), while it lives.</summary>
    public void ReportLoad(int connections)
    {
        lock (_lock)
        {
            if (_state != WorkerState.Exited) _connections = Math.Max(0, connections);
        }
    }

    /// <summary>Any state → Exited with <paramref name="exitCode"/>; faults <see cref="Ready"/> with <paramref name="notReady"/> if it never was. Returns the state it exited in.</summary>
    public WorkerState Exit(int exitCode, Exception notReady)
    {
        WorkerState before;
        lock (_lock)
        {
            before = _state;
            _state = WorkerState.Exited;
            _exitCode = exitCode;
        }
        _ready.TrySetException(notReady);
        return before;
    }

    /// <summary>It cannot become ready (a systemd-protocol launcher's exec failed): the readiness gate hears it now, the exit follows.</summary>
    public void Fail(Exception why) => _ready.TrySetException(why);

    /// <summary>After <see cref="Exit"/>, once its channel and process handle are released.</summary>
    public void MarkGone() => _gone.TrySetResult();

    private bool Move(WorkerState from, WorkerState to)
    {
        lock (_lock)
        {
            if (_state != from) return false;
            _state = to;
            return true;
        }
    }
}
