using System.Collections;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// How this image was started, taken first thing in Main, before anything reads and removes what systemd set
/// (LISTEN_*, WATCHDOG_*): the command line and the environment a re-exec starts the next image with, and the
/// executable it runs. The next image must be started as this one was: same arguments, same NOTIFY_SOCKET and
/// watchdog, never the LISTEN_* this image consumed (their descriptors are closed; the listeners travel by name).
/// </summary>
internal static class ImageStart
{
    private static readonly string[] ConsumedOnce =
        ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", RestoredImage.StateVariable, RestoredImage.PreviousVariable, RestoredImage.FallbackVariable];

    /// <summary>The arguments Main received.</summary>
    public static IReadOnlyList<string> Arguments { get; private set; } = [];

    /// <summary>The environment as it was at start, NAME=value, minus what was meant for this image only.</summary>
    public static IReadOnlyList<string> Environment { get; private set; } = [];

    public static void Capture(string[] args)
    {
        Arguments = [.. args];
        var variables = new List<string>();
        foreach (DictionaryEntry e in System.Environment.GetEnvironmentVariables())
        {
            string name = (string)e.Key;
            if (!ConsumedOnce.Contains(name)) variables.Add($"{name}={e.Value}");
        }
        variables.Sort(StringComparer.Ordinal);
        Environment = variables;
    }

    /// <summary>The supervisor's executable as it is found at its path now (so a newly installed file is what runs).</summary>
    public static string Executable => System.Environment.ProcessPath ?? throw new SupervisorException("cannot tell this supervisor's own executable (Environment.ProcessPath) to re-execute it");

    /// <summary>argv for <paramref name="executable"/>: under the dotnet host, the main assembly first (framework-dependent builds run as <c>dotnet fdhandoff.dll</c>).</summary>
    public static IReadOnlyList<string> Argv(string executable, IReadOnlyList<string> arguments)
    {
        var argv = new List<string> { executable };
        if (Path.GetFileNameWithoutExtension(Executable) == "dotnet")
            argv.Add(Path.Combine(AppContext.BaseDirectory, typeof(ImageStart).Assembly.GetName().Name + ".dll"));
        argv.AddRange(arguments);
        return argv;
    }
}
