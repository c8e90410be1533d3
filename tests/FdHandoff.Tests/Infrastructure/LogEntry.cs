using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// One log event read back from a process's output: a JSON line (<c>FDHANDOFF_LOG=json</c>, what the tests'
/// supervisors write) or a console line with an event id (<c>12:00:00.123 INF fdhandoff[4242] #12 ...</c>, whose
/// properties are read back through the event's template). Properties are read by name with their type;
/// asking for one the event does not have fails at once, naming the event.
/// </summary>
public sealed partial class LogEntry
{
    private readonly IReadOnlyDictionary<string, object?> _properties;

    private LogEntry(int index, string line, DateTimeOffset time, string level, string program, int pid, int? id, string? name,
        string message, string? exception, IReadOnlyDictionary<string, object?> properties)
    {
        (Index, Line, Time, Level, Program, Pid, Id, Name, Message, Exception) = (index, line, time, level, program, pid, id, name, message, exception);
        _properties = properties;
    }

    /// <summary>Where the line is in <see cref="OutputLog.Lines"/> (for <c>from:</c>).</summary>
    public int Index { get; }
    public string Line { get; }
    /// <summary>When the event was logged; a console line has the time of day only (today's date is assumed).</summary>
    public DateTimeOffset Time { get; }
    /// <summary>Serilog's level name: Information, Warning, Error...</summary>
    public string Level { get; }
    /// <summary>The program that wrote it: fdhandoff, fdhandoff-worker, fdhandoff-worker-faults.</summary>
    public string Program { get; }
    public int Pid { get; }
    public int? Id { get; }
    /// <summary>The event's name; null without an id, or on a console line whose message fits none of our templates.</summary>
    public string? Name { get; }
    public string Message { get; }
    public string? Exception { get; }
    public IEnumerable<string> PropertyNames => _properties.Keys;

    /// <summary>
    /// Whether this is an event of <paramref name="kind"/>: same id and same name (a console line has the name of the
    /// event whose template its message fits). A framework event of the same id (Kestrel's, the host's) is not.
    /// </summary>
    public bool Is(EventKind kind) => Id == kind.Id && Name == kind.Name;

    public bool Has(string property) => _properties.ContainsKey(property);

    /// <summary>Whether this is a worker's report of listener <paramref name="listener"/> (event ListenerReceived) with these values.</summary>
    public bool IsListenerReport(string listener, string address, string transport, int protocol, string service) =>
        String("Listener") == listener && String("Address") == address && String("Transport") == transport
        && Int("Protocol") == protocol && String("Service") == service;

    /// <summary>Whether the event is about worker <paramref name="workerPid"/> (its WorkerPid), of <paramref name="generation"/> when given.</summary>
    public bool IsAbout(int workerPid, int? generation = null) =>
        Int("WorkerPid") == workerPid && (generation is null || Int("Generation") == generation);

    public int Int(string property) => Get(property) switch
    {
        long l => checked((int)l),
        double d when d == Math.Floor(d) => checked((int)d),
        string s when int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int i) => i,
        var other => throw Mistyped(property, "an int", other),
    };

    public long Long(string property) => Get(property) switch
    {
        long l => l,
        double d when d == Math.Floor(d) => checked((long)d),
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long l) => l,
        var other => throw Mistyped(property, "a whole number", other),
    };

    public double Double(string property) => Get(property) switch
    {
        long l => l,
        double d => d,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
        var other => throw Mistyped(property, "a number", other),
    };

    public string String(string property) => Get(property) switch
    {
        string s => s,
        bool b => b ? "true" : "false", // as Serilog renders it in the message
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString(CultureInfo.InvariantCulture),
        null => "",
        var other => other.ToString()!,
    };

    public bool Bool(string property) => Get(property) switch
    {
        bool b => b,
        string s when bool.TryParse(s, out bool b) => b,
        var other => throw Mistyped(property, "a boolean", other),
    };

    private object? Get(string property) => _properties.TryGetValue(property, out var value) ? value
        : throw new KeyNotFoundException($"event {Id} {Name} has no property {property} (it has {string.Join(", ", _properties.Keys)}): {Line}");

    private InvalidCastException Mistyped(string property, string wanted, object? value) =>
        new($"property {property} of event {Id} {Name} is not {wanted}: {value ?? "null"} ({Line})");

    /// <summary>The event on <paramref name="line"/>, or null for a line that is not one (a plain line, a stack trace).</summary>
    public static LogEntry? TryParse(string line, int index) =>
        line.StartsWith('{') ? TryParseJson(line, index) : TryParseConsole(line, index);

    private static LogEntry? TryParseJson(string line, int index)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("program", out var program)) return null;
            var properties = new Dictionary<string, object?>();
            if (root.TryGetProperty("properties", out var values))
                foreach (var p in values.EnumerateObject()) properties[p.Name] = Value(p.Value);
            return new LogEntry(index, line, root.GetProperty("time").GetDateTimeOffset(), root.GetProperty("level").GetString()!,
                program.GetString()!, root.GetProperty("pid").GetInt32(),
                root.TryGetProperty("id", out var id) ? id.GetInt32() : null,
                root.TryGetProperty("event", out var name) ? name.GetString() : null,
                root.GetProperty("message").GetString()!,
                root.TryGetProperty("exception", out var exception) ? exception.GetString() : null,
                properties);
        }
        catch (JsonException)
        {
            return null; // a line that only starts like JSON: a program's own output
        }
    }

    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long l) ? l : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    private static LogEntry? TryParseConsole(string line, int index)
    {
        var m = ConsoleLine().Match(line);
        if (!m.Success) return null;
        int? id = m.Groups["id"].Success ? int.Parse(m.Groups["id"].Value, CultureInfo.InvariantCulture) : null;
        string message = m.Groups["message"].Value;
        // Properties come back through the template of the event with this id whose wording the message has.
        var kind = id is null ? null : LogEvents.Catalog.Where(e => e.Id == id).FirstOrDefault(e => e.Parse(message) is not null);
        var properties = kind?.Parse(message)?.ToDictionary(p => p.Key, p => (object?)p.Value) ?? [];
        var time = TimeOnly.ParseExact(m.Groups["time"].Value, "HH:mm:ss.fff", CultureInfo.InvariantCulture);
        return new LogEntry(index, line, new DateTimeOffset(DateOnly.FromDateTime(DateTime.Now).ToDateTime(time)), LevelName(m.Groups["level"].Value),
            m.Groups["program"].Value, int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture), id, kind?.Name, message, null, properties);
    }

    private static string LevelName(string code) => code switch
    {
        "VRB" => "Verbose",
        "DBG" => "Debug",
        "INF" => "Information",
        "WRN" => "Warning",
        "ERR" => "Error",
        "FTL" => "Fatal",
        _ => code,
    };

    private static string LevelCode(string name) => name switch
    {
        "Verbose" => "VRB",
        "Debug" => "DBG",
        "Information" => "INF",
        "Warning" => "WRN",
        "Error" => "ERR",
        "Fatal" => "FTL",
        _ => name,
    };

    /// <summary>As a console line shows it (for failure messages).</summary>
    public override string ToString() =>
        $"{Time:HH:mm:ss.fff} {LevelCode(Level)} {Program}[{Pid}] {(Id is { } id ? $"#{id} " : "")}{Message}{(Exception is null ? "" : "\n" + Exception)}";

    [GeneratedRegex(@"^(?<time>\d\d:\d\d:\d\d\.\d{3}) (?<level>[A-Z]{3}) (?<program>[\w.-]+)\[(?<pid>\d+)\] (?:#(?<id>\d+) )?(?<message>.*)$")]
    private static partial Regex ConsoleLine();
}
