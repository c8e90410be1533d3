using System.Text;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// One sd_notify(3) datagram: newline-separated <c>NAME=value</c> assignments (systemd's format). Lines
/// without '=' are skipped; at most <see cref="MaxAssignments"/> are read, so a datagram costs bounded work.
/// </summary>
internal static class NotifyMessage
{
    /// <summary>systemd reads at most this many bytes of a notification (NOTIFY_BUFFER_MAX, PIPE_BUF).</summary>
    public const int MaxBytes = 4096;

    public const int MaxAssignments = 64;

    public static IReadOnlyList<(string Name, string Value)> Parse(ReadOnlySpan<byte> datagram)
    {
        var assignments = new List<(string, string)>();
        string text = Encoding.UTF8.GetString(datagram);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            assignments.Add((line[..eq], line[(eq + 1)..]));
            if (assignments.Count == MaxAssignments) break;
        }
        return assignments;
    }
}
