namespace FdHandoff.Tests.FaultWorker;

/// <summary>Faults a worker can be asked to play, for the supervisor's failure tests.</summary>
public enum WorkerFault
{
    None,
    /// <summary>Exit with code 3 before saying hello.</summary>
    ExitAtStart,
    /// <summary>Take the listeners and serve, but never report ready.</summary>
    NeverReady,
    /// <summary>Hang before connecting to the supervisor: no hello, no listeners.</summary>
    HangBeforeHello,
    /// <summary>Say hello and take the listeners, then hang: never accepts, never ready.</summary>
    HangAfterListeners,
    /// <summary>Serve and report ready, but never finish a drain: the supervisor must kill it at the deadline.</summary>
    IgnoreDrain,
    /// <summary>Slot 0 asks for handed-over connections and never takes one (the other slots serve normally).</summary>
    HoldConnections,
    /// <summary>Serves the line counter; on drain hands one connection over, then hangs until killed.</summary>
    HandOverOneThenHang,
    /// <summary>Serving, not draining: tries to hand over a connection of its own, which must be refused.</summary>
    HandOverWhileServing,
}
