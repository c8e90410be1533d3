using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>Serilog levels as syslog priorities, the journal's <c>PRIORITY</c> field (syslog(3)).</summary>
internal static class JournalPriority
{
    /// <summary>
    /// Verbose and Debug → 7 (debug), Information → 6 (info), Warning → 4 (warning), Error → 3 (err),
    /// Fatal → 2 (crit). Fatal is not 0 (emerg): journald broadcasts emerg to every terminal.
    /// </summary>
    public static int FromLevel(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => 7,
        LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        LogEventLevel.Fatal => 2,
        _ => 6,
    };
}
