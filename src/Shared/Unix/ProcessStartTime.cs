using System.Globalization;

namespace FdHandoff.Unix;

/// <summary>
/// When a process started, in clock ticks since boot (proc(5), /proc/PID/stat field 22): with the pid, what names one
/// process for good. A pid recorded earlier and found again with another start time is another process.
/// </summary>
internal static class ProcessStartTime
{
    /// <summary>The start time of <paramref name="pid"/>, or null when no such process exists.</summary>
    public static ulong? Of(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name (field 2) is in parentheses and may hold spaces or ')': count from the last ')'.
        int end = stat.LastIndexOf(')');
        if (end < 0) return null;
        var fields = stat[(end + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 is fields[19].
        return fields.Length > 19 && ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks) ? ticks : null;
    }
}
