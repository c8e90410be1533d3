using FdHandoff.Logging;
using FdHandoff.Supervisor;
using FdHandoff.Tests.Infrastructure;
using Serilog.Events;

namespace FdHandoff.Tests.Logging;

public sealed class ConsoleLineTests
{
    private static string Line(LogEvent logEvent, string identifier = "fdhandoff")
    {
        var text = new StringWriter();
        new ConsoleLineFormatter(identifier).Format(logEvent, text);
        return text.ToString();
    }

    [Fact]
    public void A_line_carries_the_event_id_after_the_program_and_pid()
    {
        using var events = new LoggedEvents();
        SupervisorLog.WorkerReady(events.Logger, 4243, 1, 219.6);
        var logged = events.Single();

        string line = Line(logged);

        string time = logged.Timestamp.ToString("HH:mm:ss.fff");
        Assert.Equal($"{time} INF fdhandoff[{Environment.ProcessId}] #12 Worker 4243 of generation 1 ready 220 ms after spawn\n", line);
    }

    [Fact]
    public void An_event_without_an_id_prints_as_before()
    {
        using var events = new LoggedEvents();
        events.Serilog.Warning("Plain {Word}", "text");

        Assert.EndsWith($" WRN fdhandoff[{Environment.ProcessId}] Plain text\n", Line(events.Single()));
    }

    [Fact]
    public void A_direct_Serilog_call_given_an_id_prints_it_too()
    {
        using var events = new LoggedEvents();
        events.Serilog.ForContext(new EventIdentity(90, "LogTargetUnknown").AsEnricher()).Warning("{Variable}={Value} is not one of auto, journal, console, json; using auto", "FDHANDOFF_LOG", "x");

        Assert.Contains("] #90 FDHANDOFF_LOG=x is not one of", Line(events.Single()));
    }

    [Fact]
    public void An_exception_follows_on_lines_of_its_own()
    {
        using var events = new LoggedEvents();
        events.Serilog.Error(new InvalidOperationException("boom"), "Failed");

        string[] lines = Line(events.Single()).Split('\n');

        Assert.EndsWith("] Failed", lines[0]);
        Assert.StartsWith("System.InvalidOperationException: boom", lines[1]);
    }

    [Fact]
    public void The_tests_read_a_console_line_back_with_its_properties()
    {
        using var events = new LoggedEvents();
        SupervisorLog.WorkerCrashed(events.Logger, 4243, 2, 137, "Ready", 1.5);

        var entry = LogEntry.TryParse(Line(events.Single()).TrimEnd('\n'), 0);

        Assert.NotNull(entry);
        Assert.True(entry.Is(LogEvents.WorkerCrashed));
        Assert.Equal("Warning", entry.Level);
        Assert.Equal(Environment.ProcessId, entry.Pid);
        Assert.Equal(4243, entry.Int("WorkerPid"));
        Assert.Equal(137, entry.Int("ExitCode"));
        Assert.Equal("Ready", entry.String("WorkerState"));
        Assert.Equal(1.5, entry.Double("UptimeSeconds"));
    }
}
