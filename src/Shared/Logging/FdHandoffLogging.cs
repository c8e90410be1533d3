using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>
/// One logger set-up for the supervisor and the workers: the one public entry point of the logging
/// (<see cref="CreateLogger(string, LogEventLevel)"/>); the sinks behind it are internal.
/// </summary>
public static class FdHandoffLogging
{
    /// <summary>The environment variable that picks the <see cref="LogTarget"/>: <c>auto</c>, <c>journal</c>, <c>console</c> or <c>json</c>.</summary>
    internal const string TargetVariable = "FDHANDOFF_LOG";

    /// <summary>The event id of the warning about an unknown <c>FDHANDOFF_LOG</c> (90-99: the logging set-up).</summary>
    internal static readonly EventIdentity UnknownTarget = new(90, "LogTargetUnknown");

    /// <summary>Set by systemd when standard error goes to the journal (systemd.exec(5)).</summary>
    private const string JournalStreamVariable = "JOURNAL_STREAM";

    /// <summary>
    /// A Serilog logger with <c>Microsoft.*</c> framework noise kept at Warning, writing where
    /// <c>FDHANDOFF_LOG</c> says: <c>journal</c> (journald's native protocol), <c>console</c> (plain lines on
    /// standard error), <c>json</c> (JSON lines on standard error), or <c>auto</c> (the journal when systemd
    /// connected standard error to it, else the console). Every form carries the event id (docs/operations.md).
    /// <paramref name="identifier"/> names the program in every line (SYSLOG_IDENTIFIER in the journal).
    /// </summary>
    /// <remarks>Defaults to <c>auto</c> when <c>FDHANDOFF_LOG</c> is unset; an unknown value
    /// is treated as <c>auto</c> and reported in a warning through the new logger.</remarks>
    public static ILogger CreateLogger(string identifier, LogEventLevel minimumLevel = LogEventLevel.Information)
    {
        string? setting = Environment.GetEnvironmentVariable(TargetVariable);
        bool understood = TryParseTarget(setting, out var target);
        var logger = CreateLogger(identifier, minimumLevel, target);
        if (!understood)
            logger.ForContext(UnknownTarget.AsEnricher())
                .Warning("{Variable}={Value} is not one of auto, journal, console, json; using auto", TargetVariable, setting);
        return logger;
    }

    /// <summary>A logger writing to <paramref name="target"/>, whatever <c>FDHANDOFF_LOG</c> says.</summary>
    internal static ILogger CreateLogger(string identifier, LogEventLevel minimumLevel, LogTarget target) =>
        Create(identifier, minimumLevel, target, JournaldSink.DefaultSocketPath,
            Environment.GetEnvironmentVariable(JournalStreamVariable));

    /// <summary>
    /// Reads an <c>FDHANDOFF_LOG</c> value, case-insensitively. Unset or empty means <see cref="LogTarget.Auto"/>;
    /// false (with Auto) for anything else unknown.
    /// </summary>
    internal static bool TryParseTarget(string? value, out LogTarget target)
    {
        target = LogTarget.Auto;
        if (string.IsNullOrWhiteSpace(value)) return true;
        switch (value.Trim().ToLowerInvariant())
        {
            case "auto": return true;
            case "journal": target = LogTarget.Journal; return true;
            case "console": target = LogTarget.Console; return true;
            case "json": target = LogTarget.Json; return true;
            default: return false;
        }
    }

    // For testing: the socket path and JOURNAL_STREAM come in as arguments.
    /// <summary>
    /// Whether <paramref name="target"/> means the journal here. For Auto: only under systemd with
    /// stderr connected to the journal (<c>JOURNAL_STREAM</c>), so that a person running the program in a
    /// terminal of a systemd machine still sees its lines, and only when journald's socket exists.
    /// </summary>
    internal static bool UsesJournal(LogTarget target, string journalSocketPath, string? journalStream) => target switch
    {
        LogTarget.Journal => true,
        LogTarget.Console or LogTarget.Json => false,
        _ => !string.IsNullOrEmpty(journalStream) && File.Exists(journalSocketPath),
    };

    // For testing: the socket path and JOURNAL_STREAM come in as arguments.
    internal static Logger Create(string identifier, LogEventLevel minimumLevel, LogTarget target,
        string journalSocketPath, string? journalStream)
    {
        ILogEventSink sink = target == LogTarget.Json ? new JsonLineSink(identifier)
            : UsesJournal(target, journalSocketPath, journalStream) ? new JournaldSink(identifier, journalSocketPath, fallback: new ConsoleSink(identifier))
            : new ConsoleSink(identifier);
        return new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // The host logs a failed start with a stack trace; we print one clear line ourselves.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            .WriteTo.Sink(sink)
            .CreateLogger();
    }
}
