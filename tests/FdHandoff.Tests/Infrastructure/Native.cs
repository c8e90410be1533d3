using System.Runtime.InteropServices;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>Signals and process checks the tests need.</summary>
public static partial class Native
{
    public const int SIGKILL = 9, SIGTERM = 15, SIGHUP = 1, SIGSTOP = 19, SIGCONT = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    public static void Kill(int pid, int signal) => kill(pid, signal);

    /// <summary>True when <paramref name="pid"/> runs and its command line contains <paramref name="name"/> (pids get reused).</summary>
    public static bool IsAlive(int pid, string name)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z')) return false; // a zombie holds nothing
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains(name);
        }
        catch (IOException)
        {
            return false;
        }
    }
}
