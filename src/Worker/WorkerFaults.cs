namespace FdHandoff.Worker;

/// <summary>
/// Reads the fault a test asks for: the file named by FDHANDOFF_WORKER_FAULT_FILE holds
/// "exit-at-start" or "never-ready". A file, not a variable, so a test can change what the next
/// generation does without restarting the supervisor.
/// </summary>
public static class WorkerFaults
{
    public const string FileVariable = "FDHANDOFF_WORKER_FAULT_FILE";

    public static WorkerFault Read()
    {
        string? path = Environment.GetEnvironmentVariable(FileVariable);
        if (string.IsNullOrEmpty(path) || !File.Exists(path)) return WorkerFault.None;
        return File.ReadAllText(path).Trim() switch
        {
            "exit-at-start" => WorkerFault.ExitAtStart,
            "never-ready" => WorkerFault.NeverReady,
            _ => WorkerFault.None,
        };
    }
}
