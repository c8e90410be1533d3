namespace FdHandoff.Worker;

/// <summary>Faults a worker can be asked to play, for the supervisor's failure tests.</summary>
public enum WorkerFault
{
    None,
    /// <summary>Exit with code 3 before saying hello.</summary>
    ExitAtStart,
    /// <summary>Take the listeners and serve, but never report ready.</summary>
    NeverReady,
}
