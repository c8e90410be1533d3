using FdHandoff.Logging;
using Serilog.Events;

namespace FdHandoff.Tests.Journal;

public sealed class FdHandoffLoggingTests : IDisposable
{
    private readonly JournalReceiver _journal = new();

    public void Dispose() => _journal.Dispose();

    [Theory]
    [InlineData(null, nameof(LogTarget.Auto))]
    [InlineData("", nameof(LogTarget.Auto))]
    [InlineData("auto", nameof(LogTarget.Auto))]
    [InlineData("journal", nameof(LogTarget.Journal))]
    [InlineData("JOURNAL", nameof(LogTarget.Journal))]
    [InlineData(" console ", nameof(LogTarget.Console))]
    [InlineData("json", nameof(LogTarget.Json))]
    [InlineData("JSON", nameof(LogTarget.Json))]
    public void The_log_switch_is_read_case_insensitively(string? value, string expectedName)
    {
        var expected = Enum.Parse<LogTarget>(expectedName); // LogTarget is internal: a public theory cannot take it
        Assert.True(FdHandoffLogging.TryParseTarget(value, out var target));
        Assert.Equal(expected, target);
    }

    [Fact]
    public void An_unknown_log_switch_means_auto_and_is_reported()
    {
        Assert.False(FdHandoffLogging.TryParseTarget("syslog", out var target));
        Assert.Equal(LogTarget.Auto, target);
    }

    [Fact]
    public void Auto_uses_the_journal_under_systemd_when_its_socket_exists()
    {
        Assert.True(FdHandoffLogging.UsesJournal(LogTarget.Auto, _journal.Path, "8:12345"));
        Assert.False(FdHandoffLogging.UsesJournal(LogTarget.Auto, _journal.Path, null));
        Assert.False(FdHandoffLogging.UsesJournal(LogTarget.Auto, _journal.Path + ".missing", "8:12345"));
    }

    [Fact]
    public void An_explicit_target_wins_over_detection()
    {
        Assert.True(FdHandoffLogging.UsesJournal(LogTarget.Journal, _journal.Path + ".missing", null));
        Assert.False(FdHandoffLogging.UsesJournal(LogTarget.Console, _journal.Path, "8:12345"));
        Assert.False(FdHandoffLogging.UsesJournal(LogTarget.Json, _journal.Path, "8:12345"));
    }

    [Fact]
    public void A_logger_under_systemd_writes_to_the_journal()
    {
        using var log = FdHandoffLogging.Create("fdhandoff-test", LogEventLevel.Information, LogTarget.Auto, _journal.Path, "8:12345");

        log.Information("Listening on {ListenerCount} sockets", 3);

        var entry = _journal.Receive();
        Assert.Equal("Listening on 3 sockets", entry["MESSAGE"]);
        Assert.Equal("3", entry["LISTENER_COUNT"]);
        Assert.Equal("fdhandoff-test", entry["SYSLOG_IDENTIFIER"]);
    }

    [Fact]
    public void A_logger_outside_systemd_does_not_touch_the_journal()
    {
        using var log = FdHandoffLogging.Create("fdhandoff-test", LogEventLevel.Information, LogTarget.Auto, _journal.Path, journalStream: null);

        log.Information("to stderr");

        // Sinks run synchronously: a datagram sent by the call above would already be queued.
        Assert.True(_journal.IsEmpty);
    }

    [Fact]
    public void Framework_noise_below_warning_stays_out_of_the_journal()
    {
        using var log = FdHandoffLogging.Create("fdhandoff-test", LogEventLevel.Debug, LogTarget.Journal, _journal.Path, null);

        log.ForContext("SourceContext", "Microsoft.AspNetCore.Server.Kestrel").Information("noise");
        log.Debug("ours");

        Assert.Equal("ours", _journal.Receive()["MESSAGE"]);
        Assert.True(_journal.IsEmpty);
    }
}
