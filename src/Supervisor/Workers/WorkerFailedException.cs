namespace FdHandoff.Supervisor.Workers;

/// <summary>A worker ended before it reported ready.</summary>
internal sealed class WorkerFailedException(WorkerProcess worker, string why) : Exception($"{worker} {why}")
{
    public WorkerProcess Worker { get; } = worker;
}
