using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Tests.Journal;

/// <summary>A sink that keeps what it is given, to see what reached a fallback.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    private readonly Lock _lock = new();
    private readonly List<LogEvent> _events = [];

    public IReadOnlyList<LogEvent> Events
    {
        get { lock (_lock) return _events.ToArray(); }
    }

    public void Emit(LogEvent logEvent)
    {
        lock (_lock) _events.Add(logEvent);
    }
}
