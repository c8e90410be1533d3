using System.Globalization;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace FdHandoff.Logging;

/// <summary>
/// Maps a Serilog event onto journal fields: <c>MESSAGE</c> (rendered, strings without quotes),
/// <c>PRIORITY</c>, <c>SYSLOG_IDENTIFIER</c>, <c>MESSAGE_TEMPLATE</c>, <c>EVENT_ID</c> and <c>EVENT_NAME</c> when
/// the event has an id (<c>journalctl EVENT_ID=12</c>), <c>EXCEPTION</c> when there is one, and every other
/// property as a field of its own, so <c>journalctl WORKER_PID=4242</c> finds what <c>{WorkerPid}</c> logged.
/// Not thread-safe (it reuses one text buffer).
/// </summary>
internal sealed class JournalEntryFormatter(string identifier, bool includeMessageTemplate = true)
{
    /// <summary>Fields this formatter writes itself; a property that converts to one of these names is
    /// written as <c>PROPERTY_&lt;NAME&gt;</c> instead of adding a second value to a field journalctl shows.</summary>
    private static readonly HashSet<string> OwnFields = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "MESSAGE_TEMPLATE", "EVENT_ID", "EVENT_NAME", "EXCEPTION"];
    private const string CollisionPrefix = "PROPERTY_";

    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}", CultureInfo.InvariantCulture);
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);

    public void Format(LogEvent logEvent, JournalEntryWriter writer)
    {
        _text.GetStringBuilder().Clear();
        _message.Format(logEvent, _text);
        writer.WriteField("MESSAGE", _text.GetStringBuilder().ToString());
        writer.WriteField("PRIORITY", JournalPriority.FromLevel(logEvent.Level));
        writer.WriteField("SYSLOG_IDENTIFIER", identifier);
        if (includeMessageTemplate) writer.WriteField("MESSAGE_TEMPLATE", logEvent.MessageTemplate.Text);
        bool identified = EventIdentity.TryRead(logEvent, out var identity);
        if (identified)
        {
            writer.WriteField("EVENT_ID", identity.Id);
            if (identity.Name is { } eventName) writer.WriteField("EVENT_NAME", eventName);
        }
        if (logEvent.Exception is { } exception) writer.WriteField("EXCEPTION", exception.ToString());

        foreach (var (name, value) in logEvent.Properties)
        {
            if (identified && name == EventIdentity.PropertyName) continue;
            var field = JournalFieldName.FromPropertyName(name);
            if (field is null) continue;
            if (OwnFields.Contains(field)) field = (CollisionPrefix + field)[..Math.Min(CollisionPrefix.Length + field.Length, JournalFieldName.MaxLength)];
            writer.WriteField(field, Render(value));
        }
    }

    /// <summary>
    /// Scalars as plain text (<c>4242</c>, <c>tcp://0.0.0.0:80</c>, not <c>"tcp://0.0.0.0:80"</c>), times in
    /// round-trip form, null as an empty value; sequences and structures as Serilog renders them.
    /// </summary>
    internal static string Render(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: null } => "",
        ScalarValue { Value: string s } => s,
        ScalarValue { Value: DateTimeOffset d } => d.ToString("O", CultureInfo.InvariantCulture),
        ScalarValue { Value: DateTime d } => d.ToString("O", CultureInfo.InvariantCulture),
        ScalarValue { Value: IFormattable f } => f.ToString(null, CultureInfo.InvariantCulture),
        ScalarValue { Value: var other } => other.ToString() ?? "",
        _ => value.ToString(null, CultureInfo.InvariantCulture),
    };
}
