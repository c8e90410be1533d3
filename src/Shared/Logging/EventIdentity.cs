using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>
/// The id and name of the code that wrote an event: <c>[LoggerMessage(12, ...)] WorkerReady</c> is
/// <c>12</c>/<c>WorkerReady</c>. Microsoft.Extensions.Logging hands it to Serilog as the property
/// <c>EventId = { Id: 12, Name: "WorkerReady" }</c>; every sink prints it in its own form (docs/operations.md).
/// </summary>
internal readonly record struct EventIdentity(int Id, string? Name)
{
    /// <summary>The property Serilog.Extensions.Logging stores the event id in.</summary>
    public const string PropertyName = "EventId";

    /// <summary>The id and name of <paramref name="logEvent"/>; false for an event without an id (id 0, no name).</summary>
    public static bool TryRead(LogEvent logEvent, out EventIdentity identity)
    {
        identity = default;
        if (!logEvent.Properties.TryGetValue(PropertyName, out var value) || value is not StructureValue structure) return false;
        int id = 0;
        string? name = null;
        foreach (var property in structure.Properties)
        {
            if (property is { Name: "Id", Value: ScalarValue { Value: int i } }) id = i;
            else if (property is { Name: "Name", Value: ScalarValue { Value: string s } }) name = s;
        }
        if (id == 0 && name is null) return false;
        identity = new EventIdentity(id, name);
        return true;
    }

    /// <summary>
    /// Gives the events of a direct Serilog call (one not made through a [LoggerMessage] method) this
    /// id, in the same shape as Microsoft.Extensions.Logging's, so that they print alike.
    /// </summary>
    public ILogEventEnricher AsEnricher() => new Enricher(new LogEventProperty(PropertyName, new StructureValue(
    [
        new LogEventProperty("Id", new ScalarValue(Id)),
        new LogEventProperty("Name", new ScalarValue(Name)),
    ])));

    private sealed class Enricher(LogEventProperty property) : ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory) => logEvent.AddPropertyIfAbsent(property);
    }
}
