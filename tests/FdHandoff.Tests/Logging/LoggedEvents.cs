using FdHandoff.Logging;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Extensions.Logging;

namespace FdHandoff.Tests.Logging;

/// <summary>
/// Serilog events made the way the programs make them: a [LoggerMessage] method called on a
/// Microsoft.Extensions.Logging logger backed by Serilog, so the EventId property has its real shape.
/// </summary>
internal sealed class LoggedEvents : IDisposable
{
    private readonly Logger _serilog;
    private readonly SerilogLoggerFactory _factory;
    private readonly List<LogEvent> _events = [];

    public LoggedEvents()
    {
        _serilog = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(new Collector(_events)).CreateLogger();
        _factory = new SerilogLoggerFactory(_serilog);
        Logger = _factory.CreateLogger("FdHandoff.Supervisor.Workers.WorkerPool");
    }

    /// <summary>A logger whose events land in <see cref="Events"/>.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>The Serilog logger behind it, for direct calls.</summary>
    public ILogger Serilog => _serilog;

    public IReadOnlyList<LogEvent> Events => _events;

    public LogEvent Single() => Assert.Single(_events);

    public void Dispose()
    {
        _factory.Dispose();
        _serilog.Dispose();
    }

    private sealed class Collector(List<LogEvent> events) : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => events.Add(logEvent);
    }
}
