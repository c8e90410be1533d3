namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// Reads the fault a test asks for: the file named by FDHANDOFF_WORKER_FAULT_FILE holds
/// "exit-at-start", "never-ready", "hang-before-hello", "hang-after-listeners", "ignore-drain",
/// "hold-connections", "hand-over-one-then-hang" or "hand-over-while-serving".
/// A file, not a variable, so a test can change what the next generation does without restarting
/// the supervisor.
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
            "hang-before-hello" => WorkerFault.HangBeforeHello,
            "hang-after-listeners" => WorkerFault.HangAfterListeners,
            "ignore-drain" => WorkerFault.IgnoreDrain,
            "hold-connections" => WorkerFault.HoldConnections,
            "hand-over-one-then-hang" => WorkerFault.HandOverOneThenHang,
            "hand-over-while-serving" => WorkerFault.HandOverWhileServing,
            _ => WorkerFault.None,
        };
    }

    /// <summary>
    /// Says which fault hangs this process (tests wait for the line, then kill the pid), and hangs
    /// until killed.
    /// </summary>
    public static void Hang(WorkerFault fault)
    {
        Console.Out.WriteLine($"fdhandoff-worker: fault {fault}: pid {Environment.ProcessId} hangs until killed");
        Thread.Sleep(Timeout.Infinite);
    }
}
