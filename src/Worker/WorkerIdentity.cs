namespace FdHandoff.Worker;

/// <summary>Who answers: clients and tests see the pid and generation in every response body.</summary>
public sealed record WorkerIdentity(int Pid, int Generation)
{
    public string Greeting { get; } = $"hello from worker pid {Pid} generation {Generation}\n";
}
