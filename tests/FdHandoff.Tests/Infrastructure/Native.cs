using System.Runtime.InteropServices;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>Signals and process checks the tests need.</summary>
public static partial class Native
{
    public const int SIGKILL = 9, SIGTERM = 15, SIGHUP = 1, SIGSTOP = 19, SIGCONT = 18, SIGUSR2 = 12;

    private const long SYS_pidfd_open = 434; // x86_64 and aarch64 alike
    private const short POLLIN = 0x1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial int syscall(long number, int pid, uint flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct pollfd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static unsafe partial int poll(pollfd* fds, nuint nfds, int timeout);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

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

    /// <summary>Every live process with all of <paramref name="arguments"/> among its arguments, read from /proc.</summary>
    public static IReadOnlyList<int> ProcessesWithArguments(params string[] arguments)
    {
        var found = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                var argv = File.ReadAllText(Path.Combine(dir, "cmdline")).Split('\0');
                if (arguments.All(argv.Contains) && IsAlive(pid, arguments[0])) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>Every live (not zombie) process whose session id is <paramref name="session"/>, read from /proc.</summary>
    public static IReadOnlyList<int> SessionMembers(int session)
    {
        var members = new List<int>();
        foreach (string dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // After "(comm)": state, ppid, pgrp, session.
                if (fields[0] != "Z" && int.Parse(fields[3]) == session) members.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        }
        return members;
    }

    /// <summary>
    /// Waits until <paramref name="pid"/> is in <paramref name="state"/> (the third field of /proc/PID/stat,
    /// e.g. 'T' once a SIGSTOP took effect): signals are delivered asynchronously.
    /// </summary>
    public static async Task WaitForStateAsync(int pid, char state, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            char now = stat[stat.LastIndexOf(')') + 2];
            if (now == state) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"process {pid} is in state {now}, not {state}, after {timeout.TotalSeconds} s");
            await Task.Delay(5);
        }
    }

    /// <summary>
    /// Waits for any process (not only a child) to exit, on a pidfd (pidfd_open(2), Linux 5.3):
    /// readable when the process terminates. True when it exited within <paramref name="timeout"/>.
    /// </summary>
    public static Task<bool> WaitForExitAsync(int pid, TimeSpan timeout) => Task.Run(() =>
    {
        int fd = syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0) return true; // ESRCH: already gone (and reaped)
        try
        {
            unsafe
            {
                var p = new pollfd { fd = fd, events = POLLIN };
                var deadline = DateTime.UtcNow + timeout;
                while (true)
                {
                    int left = (int)Math.Max(0, (deadline - DateTime.UtcNow).TotalMilliseconds);
                    int n = poll(&p, 1, left);
                    if (n > 0) return true;
                    if (n == 0) return false;
                    if (Marshal.GetLastPInvokeError() != 4 /* EINTR */) throw new IOException($"poll on the pidfd of {pid} failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
        }
        finally
        {
            close(fd);
        }
    });
}
