using System.Globalization;
using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// The nice value of a whole process (every thread) or a whole session. On Linux setpriority(PRIO_PROCESS)
/// changes one thread: a process's threads are found in /proc/PID/task and changed one by one. Threads started
/// later inherit the value of the thread that starts them, so a process lowered right after it was forked
/// stays lowered, and one raised stays raised.
/// </summary>
internal static class ProcessPriority
{
    private const int CapSysNice = 23;

    /// <summary>
    /// True when this process may lower a nice value back to <paramref name="nice"/> (raise a priority): it has
    /// CAP_SYS_NICE, or RLIMIT_NICE allows it (20 - limit ≤ nice; systemd's <c>LimitNICE=+0</c> gives 20).
    /// Anyone may raise a nice value (lower a priority); without this it could never be undone.
    /// </summary>
    internal static bool CanRestore(int nice, out string why)
    {
        ulong caps = ReadCapEff();
        long limit = ReadNiceLimit();
        why = $"RLIMIT_NICE is {limit} (needs {20 - nice}), no CAP_SYS_NICE";
        return (caps & (1UL << CapSysNice)) != 0 || 20 - limit <= nice;
    }

    /// <summary>
    /// Sets every thread of <paramref name="pid"/> to <paramref name="nice"/>. Returns the threads changed; 0 when
    /// the process is gone. A thread that exits meanwhile is skipped.
    /// </summary>
    internal static int SetProcess(int pid, int nice)
    {
        // Again until a pass finds no thread it has not seen: a thread started meanwhile by one not yet changed
        // would keep the old value (a runtime starting up adds threads every few milliseconds).
        var seen = new HashSet<int>();
        int changed = 0;
        for (int pass = 0; pass < 5; pass++)
        {
            bool found = false;
            foreach (int tid in Threads(pid))
            {
                if (!seen.Add(tid)) continue;
                found = true;
                if (ProcessCalls.TrySetThreadNice(tid, nice)) changed++;
            }
            if (!found) break;
        }
        return changed;
    }

    /// <summary>
    /// Sets every thread of every process of session <paramref name="session"/> to <paramref name="nice"/> (a
    /// program's children forked before it was raised would otherwise stay lowered). Returns the threads changed.
    /// </summary>
    internal static int SetSession(int session, int nice)
    {
        int changed = 0;
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            if (ProcessGroups.SessionOf(pid) == session) changed += SetProcess(pid, nice);
        }
        return changed;
    }

    /// <summary>This process's nice value (/proc/self/stat, field 19): the priority its workers normally inherit.</summary>
    internal static int Own()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, nice 19.
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(rest[19 - 3], CultureInfo.InvariantCulture);
    }

    private static IEnumerable<int> Threads(int pid)
    {
        string[] tasks;
        try { tasks = Directory.GetDirectories($"/proc/{pid}/task"); }
        catch (IOException) { yield break; }               // gone
        catch (UnauthorizedAccessException) { yield break; }
        foreach (string t in tasks)
            if (int.TryParse(Path.GetFileName(t), NumberStyles.None, CultureInfo.InvariantCulture, out int tid)) yield return tid;
    }

    private static ulong ReadCapEff()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return 0;
    }

    // /proc/self/limits: "Max nice priority         0                    0" (soft, hard); "unlimited" counts as 40.
    private static long ReadNiceLimit()
    {
        foreach (string line in File.ReadLines("/proc/self/limits"))
        {
            if (!line.StartsWith("Max nice priority", StringComparison.Ordinal)) continue;
            string soft = line["Max nice priority".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return soft == "unlimited" ? 40 : long.Parse(soft, CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
