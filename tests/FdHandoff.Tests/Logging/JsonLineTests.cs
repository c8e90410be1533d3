using System.Text;
using System.Text.Json;
using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Supervisor;
using FdHandoff.Tests.Infrastructure;
using Serilog.Events;

namespace FdHandoff.Tests.Logging;

public sealed class JsonLineTests
{
    private static string Line(LogEvent logEvent, string identifier = "fdhandoff")
    {
        using var output = new MemoryStream();
        using (var sink = new JsonLineSink(identifier, output)) sink.Emit(logEvent);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    private static JsonElement Json(LogEvent logEvent) => JsonDocument.Parse(Line(logEvent)).RootElement.Clone();

    [Fact]
    public void An_event_is_one_line_with_its_id_name_message_and_typed_properties()
    {
        using var events = new LoggedEvents();
        SupervisorLog.WorkerCrashed(events.Logger, 4243, 2, 137, "Ready", 1.25);
        var logged = events.Single();

        string line = Line(logged);
        var json = JsonDocument.Parse(line).RootElement;

        Assert.EndsWith("}\n", line);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(logged.Timestamp, json.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("Warning", json.GetProperty("level").GetString());
        Assert.Equal("fdhandoff", json.GetProperty("program").GetString());
        Assert.Equal(Environment.ProcessId, json.GetProperty("pid").GetInt32());
        Assert.Equal(15, json.GetProperty("id").GetInt32());
        Assert.Equal("WorkerCrashed", json.GetProperty("event").GetString());
        Assert.Equal("Worker 4243 of generation 2 crashed: exit code 137 while Ready, after 1.3 s", json.GetProperty("message").GetString());
        Assert.Equal(LogEvents.WorkerCrashed.Template, json.GetProperty("template").GetString());
        var properties = json.GetProperty("properties");
        Assert.Equal(4243, properties.GetProperty("WorkerPid").GetInt32());
        Assert.Equal(JsonValueKind.Number, properties.GetProperty("ExitCode").ValueKind);
        Assert.Equal("Ready", properties.GetProperty("WorkerState").GetString());
        Assert.Equal(1.25, properties.GetProperty("UptimeSeconds").GetDouble()); // the value, not as rendered
        Assert.Equal("FdHandoff.Supervisor.Workers.WorkerPool", properties.GetProperty("SourceContext").GetString());
        Assert.False(properties.TryGetProperty("EventId", out _), "the id is id and event, not a property");
        Assert.False(json.TryGetProperty("exception", out _));
    }

    [Fact]
    public void An_event_without_an_id_has_no_id_and_no_event()
    {
        using var events = new LoggedEvents();
        events.Serilog.Information("Plain {Count} {Flag} {Nothing}", 3u, true, null);

        var json = Json(events.Single());

        Assert.False(json.TryGetProperty("id", out _));
        Assert.False(json.TryGetProperty("event", out _));
        Assert.Equal("Plain 3 true null", json.GetProperty("message").GetString());
        Assert.Equal(3u, json.GetProperty("properties").GetProperty("Count").GetUInt32());
        Assert.True(json.GetProperty("properties").GetProperty("Flag").GetBoolean());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("properties").GetProperty("Nothing").ValueKind);
    }

    [Fact]
    public void Text_stays_readable_and_newlines_stay_inside_the_line()
    {
        using var events = new LoggedEvents();
        events.Serilog.Error(new InvalidOperationException("boom"), "Listener '{Name}' <{Address}> said \"{Reply}\"", "http", "tcp://[::1]:80", "a\nb");

        string line = Line(events.Single());
        var json = JsonDocument.Parse(line).RootElement;

        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("\"message\":\"Listener 'http' <tcp://[::1]:80> said \\\"a\\nb\\\"\"", line);
        Assert.StartsWith("System.InvalidOperationException: boom", json.GetProperty("exception").GetString());
    }

    [Fact]
    public void Sequences_structures_and_numbers_JSON_cannot_hold_keep_a_form()
    {
        using var events = new LoggedEvents();
        events.Serilog.Information("{Slots} {Ratio} {Span}", new[] { 0, 1 }, double.NaN, TimeSpan.FromSeconds(90));

        var properties = Json(events.Single()).GetProperty("properties");

        Assert.Equal("[0,1]", properties.GetProperty("Slots").GetRawText());
        Assert.Equal("NaN", properties.GetProperty("Ratio").GetString());
        Assert.Equal("00:01:30", properties.GetProperty("Span").GetString());
    }

    [Fact]
    public void The_tests_read_a_json_line_back_as_an_entry()
    {
        using var events = new LoggedEvents();
        HandoffLog.WarmedUp(events.Logger, 2, 4243, 1, 1501);

        var entry = LogEntry.TryParse(Line(events.Single(), "fdhandoff-worker").TrimEnd('\n'), 7);

        Assert.NotNull(entry);
        Assert.Equal(7, entry.Index);
        Assert.True(entry.Is(LogEvents.WarmedUp));
        Assert.Equal("fdhandoff-worker", entry.Program);
        Assert.Equal(1501, entry.Int("WarmUpMs"));
        Assert.Equal(2, entry.Int("Generation"));
        var missing = Assert.Throws<KeyNotFoundException>(() => entry.Int("WorkerPId"));
        Assert.Contains("has no property WorkerPId", missing.Message);
    }
}
