namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// What the supervisor knows of a systemd-protocol worker beyond its pid: the program it execs and what the
/// program said on the notify socket. Written by the control loop and the notify server, read by the pool,
/// the readiness gate and status; each field is one word, read and written whole.
/// </summary>
internal sealed class ProgramState(string path)
{
    private long _lastPingTicks;
    private long _extendUntilTicks;

    /// <summary>This state as data, for the supervisor's saved state.</summary>
    public SavedState.ProgramRecord ToRecord() => new(Path, ExecAnnounced, Running, Status, MainPid, Stopping, LastPing, ExtendUntil);

    /// <summary>The state <paramref name="saved"/> describes.</summary>
    public static ProgramState From(SavedState.ProgramRecord saved) => new(saved.Path)
    {
        ExecAnnounced = saved.ExecAnnounced, Running = saved.Running, Status = saved.Status, MainPid = saved.MainPid,
        Stopping = saved.Stopping, LastPing = saved.LastPing, ExtendUntil = saved.ExtendUntil,
    };

    /// <summary>The program the launcher execs.</summary>
    public string Path { get; } = path;

    /// <summary>The launcher said it execs now (an Exec message): its control connection is about to close.</summary>
    public volatile bool ExecAnnounced;

    /// <summary>The control connection closed after the Exec message and no error: the program runs.</summary>
    public volatile bool Running;

    /// <summary>The last STATUS= the program sent (for <c>fdhandoff status</c>), at most <see cref="MaxStatusLength"/> characters.</summary>
    public volatile string? Status;

    /// <summary>The pid the program named with MAINPID=, 0 until then: its notifications count as the main process's.</summary>
    public volatile int MainPid;

    /// <summary>The program said STOPPING=1.</summary>
    public volatile bool Stopping;

    /// <summary>Longest STATUS= kept: a status line, not a log.</summary>
    public const int MaxStatusLength = 200;

    /// <summary>When the last WATCHDOG=1 came (or the worker became ready).</summary>
    public DateTimeOffset LastPing
    {
        get => new(Interlocked.Read(ref _lastPingTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _lastPingTicks, value.UtcTicks);
    }

    /// <summary>EXTEND_TIMEOUT_USEC=: the ready timeout or drain deadline in force is pushed out to at least this.</summary>
    public DateTimeOffset ExtendUntil
    {
        get => new(Interlocked.Read(ref _extendUntilTicks), TimeSpan.Zero);
        set => Interlocked.Exchange(ref _extendUntilTicks, value.UtcTicks);
    }
}
