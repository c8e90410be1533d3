namespace FdHandoff.Supervisor.Configuration;

/// <summary>Finds the worker executable and checks it can be run, before the first spawn.</summary>
internal static class WorkerCommand
{
    public static string Resolve(string command)
    {
        if (string.IsNullOrWhiteSpace(command))
            throw new SupervisorException("Workers:Command is empty: set it to the worker executable", SupervisorException.ConfigurationError);

        foreach (string candidate in Candidates(command))
        {
            if (!File.Exists(candidate)) continue;
            string full = Path.GetFullPath(candidate);
            var mode = File.GetUnixFileMode(full);
            if ((mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
                throw new SupervisorException($"worker command {full} is not executable: chmod +x it, or set Workers:Command to the worker executable", SupervisorException.ConfigurationError);
            return full;
        }
        throw new SupervisorException($"worker command '{command}' not found (looked in {string.Join(", ", Candidates(command).Select(Path.GetFullPath).Distinct())}): set Workers:Command to the worker executable", SupervisorException.ConfigurationError);
    }

    // A path with a slash is taken as written (relative to the working directory, then to the
    // supervisor's own directory); a bare name is looked for beside the supervisor, in ../worker/, then on PATH.
    private static IEnumerable<string> Candidates(string command)
    {
        string home = AppContext.BaseDirectory;
        if (Path.IsPathRooted(command))
        {
            yield return command;
            yield break;
        }
        if (command.Contains('/'))
        {
            yield return command;
            yield return Path.Combine(home, command);
            yield break;
        }
        yield return Path.Combine(home, command);
        yield return Path.Combine(home, "..", "worker", command);
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return Path.Combine(dir, command);
    }
}
