using FdHandoff.Client;

namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// The receiving side's fault: says in its Ready that it takes handed-over connections, then never takes one,
/// so the supervisor keeps each in transit until this worker dies and must give it to another.
/// </summary>
public static class HoldConnections
{
    public static void AskAndNeverTake(HandoffClient handoff, ILogger logger)
    {
        handoff.TakeHandedOverConnections();
        FaultLog.HoldsConnections(logger, Environment.ProcessId);
    }
}
