using FdHandoff.Client;

namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// Reads the fault a test asks for: the file named by FDHANDOFF_WORKER_FAULT_FILE holds
/// "exit-at-start", "never-ready", "hang-before-hello", "hang-after-listeners", "ignore-drain",
/// "hold-connections", "hand-over-one-then-hang" or "hand-over-while-serving", optionally followed by
/// <c>generation=N</c> and/or <c>slot=N</c>: then only the worker spawned for that generation and slot plays
/// it (a rolling upgrade that fails at one slot), every other worker serves normally. One fault a line: the
/// first line whose targets match this worker is its fault.
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
        foreach (var line in File.ReadAllLines(path))
        {
            var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0 && IsMine(path, words.Skip(1))) return Parse(words[0]);
        }
        return WorkerFault.None;
    }

    private static bool IsMine(string path, IEnumerable<string> targets)
    {
        foreach (var target in targets)
        {
            var (key, value) = (target.Split('=')[0], target.Split('=').ElementAtOrDefault(1));
            string? mine = key switch
            {
                "generation" => Environment.GetEnvironmentVariable(HandoffEnvironment.Generation),
                "slot" => Environment.GetEnvironmentVariable(HandoffEnvironment.Slot),
                _ => throw new ArgumentException($"{path}: unknown fault target '{target}' (generation=N or slot=N)"),
            };
            if (mine != value) return false;
        }
        return true;
    }

    private static WorkerFault Parse(string fault)
    {
        return fault switch
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
    /// Says which fault hangs this process (tests wait for the event, then kill the pid), and hangs
    /// until killed.
    /// </summary>
    public static void Hang(WorkerFault fault, ILogger logger)
    {
        FaultLog.Hangs(logger, fault, Environment.ProcessId);
        Thread.Sleep(Timeout.Infinite);
    }
}
