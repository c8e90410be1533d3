using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>
/// JSON lines on standard error (<c>FDHANDOFF_LOG=json</c>, see <see cref="JsonLineFormatter"/>): one object per
/// event, each written with one call, so that lines of the supervisor and of its workers, which share the
/// stream, stay whole (a pipe keeps a write of up to 4 KiB in one piece).
/// </summary>
internal sealed class JsonLineSink : ILogEventSink, IDisposable
{
    private readonly JsonLineFormatter _formatter;
    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly Lock _lock = new();

    /// <param name="identifier">The program's name, the <c>program</c> of every line.</param>
    /// <param name="output">Where lines go; standard error when null. Owned by the sink when given.</param>
    public JsonLineSink(string identifier, Stream? output = null)
    {
        _formatter = new JsonLineFormatter(identifier);
        _ownsOutput = output is not null;
        _output = output ?? Console.OpenStandardError();
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            try
            {
                _output.Write(_formatter.Format(logEvent));
                _output.Flush();
            }
            catch (IOException)
            {
                // A closed terminal or pipe must not stop the service.
            }
            catch (Exception)
            {
                // A property whose ToString throws, a structure too deep: the program goes on either way.
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_ownsOutput) _output.Dispose();
        }
    }
}
