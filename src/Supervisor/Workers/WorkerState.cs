namespace FdHandoff.Supervisor.Workers;

/// <summary>The life of a worker: spawn, hand off, ready, drain, exit.</summary>
internal enum WorkerState
{
    /// <summary>Started; has not said hello yet.</summary>
    Spawned,
    /// <summary>Said hello with the right pid and token; listeners are being sent.</summary>
    Connected,
    /// <summary>Has every listener; not ready yet.</summary>
    HandedOff,
    /// <summary>Reported ready: serving.</summary>
    Ready,
    /// <summary>Told to drain; killed at its deadline.</summary>
    Draining,
    /// <summary>Gone.</summary>
    Exited,
}
