using System.Text.RegularExpressions;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Logging;

/// <summary>
/// The event ids are an interface (journalctl EVENT_ID=, the tests' waits, an operator's filters): unique
/// across programs, inside the range docs/operations.md gives their part.
/// </summary>
public sealed partial class LogEventTests
{
    [Fact]
    public void Every_event_id_of_ours_is_unique()
    {
        var repeated = LogEvents.Catalog.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Name))}");

        Assert.Empty(repeated);
    }

    [Fact]
    public void Every_event_id_is_inside_the_range_the_operations_guide_gives_its_source()
    {
        var ranges = File.ReadLines(Path.Combine(Binaries.Repository, "docs", "operations.md"))
            .Select(l => RangeRow().Match(l)).Where(m => m.Success)
            .Select(m => (From: int.Parse(m.Groups["from"].Value), To: int.Parse(m.Groups["to"].Value), Row: m.Value))
            .ToList();
        Assert.NotEmpty(ranges);

        var misplaced = new List<string>();
        foreach (var (log, _) in LogEvents.Sources)
            foreach (var e in EventKind.AllOf(log))
                if (!ranges.Any(r => r.From <= e.Id && e.Id <= r.To && r.Row.Contains(log.Name)))
                    misplaced.Add($"{log.Name}.{e.Name} ({e.Id})");

        Assert.Empty(misplaced);
    }

    [Fact]
    public void The_tests_event_table_reads_every_constant_from_the_source()
    {
        // A static field whose method was renamed or lost its [LoggerMessage] fails the type initializer: every test would fail, this one says why.
        var fields = typeof(LogEvents).GetFields().Where(f => f.FieldType == typeof(EventKind)).Select(f => (EventKind)f.GetValue(null)!).ToList();

        Assert.True(fields.Count > 40, $"{fields.Count} events");
        Assert.All(fields, e => Assert.Contains(e, LogEvents.Catalog));
    }

    [Fact]
    public void A_template_reads_a_rendered_message_back()
    {
        var values = LogEvents.GenerationRetired.Parse("Generation 1 retired in 212 ms: 40 connections moved to generation 2, 0 kept and closed by their worker, 1 closed by the supervisor");

        Assert.NotNull(values);
        Assert.Equal("1", values["PreviousGeneration"]);
        Assert.Equal("40", values["ConnectionsMoved"]);
        Assert.Equal("1", values["ConnectionsClosed"]);
        Assert.Null(LogEvents.GenerationRetired.Parse("Generation 1 serving with 2 workers, ready in 80 ms"));
    }

    // A row of the table: | 10-29 | ... `SupervisorLog` ... |
    [GeneratedRegex(@"^\|\s*(?<from>\d+)\s*[-–]\s*(?<to>\d+)\s*\|.*\|\s*$")]
    private static partial Regex RangeRow();
}
