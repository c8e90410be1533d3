namespace FdHandoff.Supervisor.Metrics;

/// <summary>The supervisor's own open descriptors and resident memory, read from /proc/self.</summary>
internal static class ProcessFigures
{
    public static long OpenDescriptors()
    {
        try
        {
            // The enumeration's own descriptor on /proc/self/fd is counted too: as `ls /proc/PID/fd | wc -l` would.
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").LongCount();
        }
        catch (IOException)
        {
            return -1;
        }
    }

    public static long ResidentBytes()
    {
        // statm: size resident shared ... in pages.
        string[] fields = File.ReadAllText("/proc/self/statm").Split(' ');
        return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }
}
