using System.Text;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// What <c>fdhandoff --help</c> says beyond the parser's verbs and options: where the configuration comes
/// from, its keys and the exit codes, so a person need not open the README to start or script it. The keys
/// are listed from their definitions (<see cref="SupervisorSettings.Keys"/>), defaults from the real values.
/// </summary>
internal static class HelpText
{
    private const string Sources = """
        Configuration (later sources win; an upgrade reads the file again, the rest is fixed at start):
          appsettings.json beside the binary, or --config FILE instead
          FDHANDOFF_* environment variables (FDHANDOFF_Workers__Count=4)
          the command line: the options above, or any key as --Section:Key=value (--Workers:DrainTimeout=00:00:05)
        """;

    public static string Configuration { get; } = Describe(SupervisorSettings.Keys);

    public const string ExitCodes = """
        Exit codes:
          0  done
          1  failed: the upgrade was rolled back (the old generation still serves), a port is busy, a worker cannot start
          2  usage or configuration error: nothing was started
          3  no supervisor answers on the control socket
        """;

    private static string Describe(IReadOnlyList<SettingKey> keys)
    {
        int width = keys.Max(k => k.Shown.Length) + 4; // room for " *"
        var text = new StringBuilder(Sources).Append("\n\nConfiguration keys (* read only at start: a reload that changes one is refused):\n");
        foreach (var key in keys)
        {
            string[] lines = (key.Help + (key.DefaultShown is { } d ? $" (default {d})" : "")).Split('\n');
            text.Append("  ").Append((key.Shown + (key.StartOnly ? " *" : "")).PadRight(width)).Append(lines[0]).Append('\n');
            foreach (string more in lines.Skip(1)) text.Append("  ").Append("".PadRight(width)).Append(more).Append('\n');
        }
        return text.ToString().TrimEnd('\n');
    }
}
