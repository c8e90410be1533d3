using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// <c>fdhandoff check-config [--config FILE] [start options]</c>: checks a configuration as the supervisor
/// would at start or reload (every key, the listener addresses, the worker command), without a running
/// supervisor: it binds nothing and opens no control socket. Exit 0 with a one-line summary, 2 with the error.
/// </summary>
internal static class CheckConfigCommand
{
    public const int Ok = 0, Invalid = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var source = ConfigurationSource.FromArgs(args);
            var settings = source.Read();
            string file = settings.Version == ConfigurationVersion.None ? $"no file ({source.File} absent), defaults" : $"{source.File} (sha256 {settings.Version.Hash})";
            stdout.WriteLine($"fdhandoff check-config: OK: {file}: {settings.Listeners.Count} listeners ({string.Join(", ", settings.Listeners.Select(l => l.Name))}), {settings.Workers.Count} workers of {settings.WorkerCommandPath}");
            return Ok;
        }
        catch (Exception e) when (FatalError.Describe(e) is { } error)
        {
            stderr.WriteLine($"fdhandoff check-config: {error.Message}");
            return Invalid;
        }
    }
}
