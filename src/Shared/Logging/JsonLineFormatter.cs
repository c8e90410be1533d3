using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace FdHandoff.Logging;

/// <summary>
/// One JSON object per event, on one line, for programs that read the log (<c>FDHANDOFF_LOG=json</c>):
/// <code>{"time":"2025-01-02T12:00:00.1230000+01:00","level":"Information","program":"fdhandoff","pid":4242,"id":12,
/// "event":"WorkerReady","message":"Worker 4243 of generation 1 ready 220 ms after spawn",
/// "template":"Worker {WorkerPid} of generation {Generation} ready {StartToReadyMs:0} ms after spawn",
/// "properties":{"WorkerPid":4243,"Generation":1,"StartToReadyMs":219.6,"SourceContext":"..."}}</code>
/// <c>id</c> and <c>event</c> are absent for an event without an id, <c>exception</c> present only with one.
/// Properties keep their type: numbers and booleans as JSON numbers and booleans, null as null, sequences as
/// arrays, structures and dictionaries as objects, anything else (strings, times, enums) as a string.
/// Written with <see cref="Utf8JsonWriter"/>, no reflection. Not thread-safe (it reuses its buffers).
/// </summary>
internal sealed class JsonLineFormatter
{
    private static readonly JsonWriterOptions Options = new()
    {
        // The line is read by programs and people, never put in a web page: keep ' + < > and non-ASCII as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Serilog nests only what a program built; a cycle cannot occur, but a deep structure must not throw.
        MaxDepth = 64,
    };

    private readonly string _identifier;
    private readonly int _pid = Environment.ProcessId;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly MessageTemplateTextFormatter _message = new("{Message:lj}", CultureInfo.InvariantCulture);
    private readonly StringWriter _text = new(CultureInfo.InvariantCulture);

    public JsonLineFormatter(string identifier)
    {
        _identifier = identifier;
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    /// <summary>The line for <paramref name="logEvent"/>, newline included; valid until the next call.</summary>
    public ReadOnlySpan<byte> Format(LogEvent logEvent)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("time", logEvent.Timestamp);
        _json.WriteString("level", logEvent.Level.ToString());
        _json.WriteString("program", _identifier);
        _json.WriteNumber("pid", _pid);
        bool identified = EventIdentity.TryRead(logEvent, out var identity);
        if (identified)
        {
            _json.WriteNumber("id", identity.Id);
            if (identity.Name is { } name) _json.WriteString("event", name);
        }
        _text.GetStringBuilder().Clear();
        _message.Format(logEvent, _text);
        _json.WriteString("message", _text.GetStringBuilder().ToString());
        _json.WriteString("template", logEvent.MessageTemplate.Text);
        _json.WriteStartObject("properties");
        foreach (var (name, value) in logEvent.Properties)
        {
            if (identified && name == EventIdentity.PropertyName) continue;
            _json.WritePropertyName(name);
            WriteValue(value);
        }
        _json.WriteEndObject();
        if (logEvent.Exception is { } exception) _json.WriteString("exception", exception.ToString());
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);
        return _buffer.WrittenSpan;
    }

    private void WriteValue(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue scalar:
                WriteScalar(scalar.Value);
                break;
            case SequenceValue sequence:
                _json.WriteStartArray();
                foreach (var element in sequence.Elements) WriteValue(element);
                _json.WriteEndArray();
                break;
            case StructureValue structure:
                _json.WriteStartObject();
                if (structure.TypeTag is { } tag) _json.WriteString("$type", tag);
                foreach (var property in structure.Properties)
                {
                    _json.WritePropertyName(property.Name);
                    WriteValue(property.Value);
                }
                _json.WriteEndObject();
                break;
            case DictionaryValue dictionary:
                _json.WriteStartObject();
                foreach (var (key, element) in dictionary.Elements)
                {
                    _json.WritePropertyName(JournalEntryFormatter.Render(key));
                    WriteValue(element);
                }
                _json.WriteEndObject();
                break;
            default:
                _json.WriteStringValue(value.ToString(null, CultureInfo.InvariantCulture));
                break;
        }
    }

    private void WriteScalar(object? value)
    {
        switch (value)
        {
            case null: _json.WriteNullValue(); break;
            case string s: _json.WriteStringValue(s); break;
            case bool b: _json.WriteBooleanValue(b); break;
            case int i: _json.WriteNumberValue(i); break;
            case long l: _json.WriteNumberValue(l); break;
            case uint u: _json.WriteNumberValue(u); break;
            case ulong u: _json.WriteNumberValue(u); break;
            case short s: _json.WriteNumberValue(s); break;
            case ushort u: _json.WriteNumberValue(u); break;
            case byte b: _json.WriteNumberValue(b); break;
            case sbyte s: _json.WriteNumberValue(s); break;
            case decimal d: _json.WriteNumberValue(d); break;
            // JSON has no NaN or infinity: those go as strings ("NaN", "Infinity").
            case double d when double.IsFinite(d): _json.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): _json.WriteNumberValue(f); break;
            case DateTimeOffset d: _json.WriteStringValue(d); break;
            case DateTime d: _json.WriteStringValue(d); break;
            default: _json.WriteStringValue(JournalEntryFormatter.Render(new ScalarValue(value))); break;
        }
    }
}
