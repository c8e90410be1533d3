namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>When a systemd-protocol worker counts as ready (<c>Workers:Ready</c>).</summary>
internal enum ReadyMode
{
    /// <summary>When it sends READY=1 on NOTIFY_SOCKET.</summary>
    Notify,
    /// <summary>When the program runs (the exec succeeded), plus <c>Workers:ReadyDelay</c>.</summary>
    Started,
}
