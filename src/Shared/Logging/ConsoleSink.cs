using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>
/// Plain text lines on standard error (see <see cref="ConsoleLineFormatter"/>): the fallback where there is
/// no journal, and what a person running the supervisor in a terminal reads.
/// </summary>
internal sealed class ConsoleSink(string identifier) : ILogEventSink
{
    private readonly ConsoleLineFormatter _formatter = new(identifier);
    private readonly Lock _lock = new();

    public void Emit(LogEvent logEvent)
    {
        var line = new StringWriter();
        _formatter.Format(logEvent, line);
        lock (_lock)
        {
            try
            {
                Console.Error.Write(line.ToString());
                Console.Error.Flush();
            }
            catch (IOException)
            {
                // A closed terminal or pipe must not stop the service.
            }
        }
    }
}
