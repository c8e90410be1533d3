namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>Whose notifications count for a worker (<c>Workers:NotifyAccess</c>), as systemd's NotifyAccess=.</summary>
internal enum NotifyAccess
{
    /// <summary>Only the worker's main process (the pid spawned, or the one it named with MAINPID=).</summary>
    Main,
    /// <summary>Any process of the worker's session (the launcher starts one): children it forked too.</summary>
    All,
}
