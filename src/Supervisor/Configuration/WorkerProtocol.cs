namespace FdHandoff.Supervisor.Configuration;

/// <summary>How a worker receives its listeners (<c>Workers:Protocol</c>).</summary>
internal enum WorkerProtocol
{
    /// <summary>Our control protocol: the worker says Hello and receives the listeners itself.</summary>
    FdHandoff,
    /// <summary>systemd's: a launcher places the listeners at fd 3.. and execs the program.</summary>
    Systemd,
}
