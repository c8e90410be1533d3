using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace FdHandoff.Logging;

/// <summary>
/// One console line per event: <c>12:00:00.123 INF fdhandoff[4242] #12 Worker 4243 of generation 1 ready 220 ms after spawn</c>:
/// local time, a three-letter level, the program and its pid, <c>#</c> and the event id when the event has
/// one (docs/operations.md lists the ranges), the rendered message; an exception follows on lines of its own.
/// </summary>
internal sealed class ConsoleLineFormatter(string identifier)
{
    private readonly string _program = identifier + "[" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "] ";
    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}", CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, TextWriter output)
    {
        output.Write(logEvent.Timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture));
        output.Write(' ');
        output.Write(LevelCode(logEvent.Level));
        output.Write(' ');
        output.Write(_program);
        if (EventIdentity.TryRead(logEvent, out var identity))
        {
            output.Write('#');
            output.Write(identity.Id.ToString(CultureInfo.InvariantCulture));
            output.Write(' ');
        }
        _message.Format(logEvent, output);
        output.Write('\n');
        if (logEvent.Exception is { } exception)
        {
            output.Write(exception.ToString());
            output.Write('\n');
        }
    }

    /// <summary>Serilog's <c>{Level:u3}</c>: VRB, DBG, INF, WRN, ERR, FTL.</summary>
    public static string LevelCode(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose => "VRB",
        LogEventLevel.Debug => "DBG",
        LogEventLevel.Information => "INF",
        LogEventLevel.Warning => "WRN",
        LogEventLevel.Error => "ERR",
        LogEventLevel.Fatal => "FTL",
        _ => "INF",
    };
}
