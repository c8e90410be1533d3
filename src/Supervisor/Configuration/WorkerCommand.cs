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
            // The real path, read now: a generation keeps running (and restarting) what its plan resolved,
            // even after a deploy switches a symlink to a new directory for the next reload.
            return RealPath(full);
        }
        throw new SupervisorException($"worker command '{command}' not found (looked in {string.Join(", ", Candidates(command).Select(Path.GetFullPath).Distinct())}): set Workers:Command to the worker executable", SupervisorException.ConfigurationError);
    }

    /// <summary>Every symbolic link on <paramref name="path"/> resolved, as realpath(3) does.</summary>
    private static string RealPath(string path)
    {
        var pending = new Queue<string>(path.Split('/', StringSplitOptions.RemoveEmptyEntries));
        string current = "/";
        int links = 0;
        while (pending.Count > 0)
        {
            string next = Path.Combine(current, pending.Dequeue());
            string? target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > 40)
                throw new SupervisorException($"worker command {path}: too many levels of symbolic links; set Workers:Command to the worker executable", SupervisorException.ConfigurationError);
            // A relative target is relative to the link's directory; what is left of the path follows it.
            pending = new Queue<string>(Path.GetFullPath(target, current).Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(pending));
            current = "/";
        }
        return current;
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
