using FdHandoff.Interop;
using FdHandoff.Logging;
using FdHandoff.Sockets;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Tests.Journal;

public sealed class JournaldSinkTests : IDisposable
{
    private readonly JournalReceiver _journal = new();

    public void Dispose() => _journal.Dispose();

    private Logger LoggerFor(JournaldSink sink) =>
        new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();

    [Fact]
    public void An_event_arrives_as_one_datagram_with_message_priority_and_identifier()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);

        log.Information("Worker {WorkerPid} of generation {Generation} ready on {Address}", 4242, 7, "tcp://0.0.0.0:8080");

        var entry = _journal.Receive();
        Assert.Equal("Worker 4242 of generation 7 ready on tcp://0.0.0.0:8080", entry["MESSAGE"]);
        Assert.Equal("6", entry["PRIORITY"]);
        Assert.Equal("fdhandoff", entry["SYSLOG_IDENTIFIER"]);
        Assert.Equal("Worker {WorkerPid} of generation {Generation} ready on {Address}", entry["MESSAGE_TEMPLATE"]);
        Assert.False(entry.Has("EXCEPTION"));
        Assert.Equal(JournalSendResult.Sent, sink.LastResult);
        Assert.Equal(0, sink.DroppedCount);
    }

    [Fact]
    public void Every_property_becomes_an_upper_snake_field_with_its_value_unquoted()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);

        log.ForContext("SourceContext", "FdHandoff.Supervisor.WorkerPool")
            .Information("Worker {WorkerPid} of generation {Generation} said {Reply} at {When}", 4242, 7, "hello", new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var entry = _journal.Receive();
        Assert.Equal("4242", entry["WORKER_PID"]);
        Assert.Equal("7", entry["GENERATION"]);
        Assert.Equal("hello", entry["REPLY"]);
        Assert.Equal("2025-01-02T03:04:05.0000000+00:00", entry["WHEN"]);
        Assert.Equal("FdHandoff.Supervisor.WorkerPool", entry["SOURCE_CONTEXT"]);
        Assert.All(entry.All, f => Assert.True(JournalFieldName.IsValid(f.Name), $"invalid field name {f.Name}"));
    }

    [Fact]
    public void An_event_id_becomes_the_fields_EVENT_ID_and_EVENT_NAME()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);
        using var factory = new Serilog.Extensions.Logging.SerilogLoggerFactory(log);

        FdHandoff.Supervisor.SupervisorLog.WorkerReady(factory.CreateLogger("FdHandoff.Supervisor.Workers.WorkerPool"), 4243, 1, 219.6);

        var entry = _journal.Receive();
        Assert.Equal("12", entry["EVENT_ID"]);
        Assert.Equal("WorkerReady", entry["EVENT_NAME"]);
        Assert.Equal("4243", entry["WORKER_PID"]);
        Assert.Equal("Worker 4243 of generation 1 ready 220 ms after spawn", entry["MESSAGE"]);
        Assert.Single(entry.All, f => f.Name == "EVENT_ID"); // not a second value rendered from the EventId structure
    }

    [Fact]
    public void A_property_named_like_a_field_of_the_sink_does_not_add_a_second_value()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);

        log.Information("{Message} from {Priority}", "hi", "me");

        var entry = _journal.Receive();
        Assert.Equal("hi from me", entry["MESSAGE"]);
        Assert.Equal("6", entry["PRIORITY"]);
        Assert.Equal("hi", entry["PROPERTY_MESSAGE"]);
        Assert.Equal("me", entry["PROPERTY_PRIORITY"]);
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "7")]
    [InlineData(LogEventLevel.Debug, "7")]
    [InlineData(LogEventLevel.Information, "6")]
    [InlineData(LogEventLevel.Warning, "4")]
    [InlineData(LogEventLevel.Error, "3")]
    [InlineData(LogEventLevel.Fatal, "2")]
    public void Levels_map_to_syslog_priorities(LogEventLevel level, string priority)
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);

        log.Write(level, "level test");

        Assert.Equal(priority, _journal.Receive()["PRIORITY"]);
    }

    [Fact]
    public void Values_with_newlines_use_the_binary_form()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);

        log.Information("first line{Break}second line", "\n");

        var entry = _journal.Receive();
        Assert.Equal("first line\nsecond line", entry["MESSAGE"]);
        Assert.True(entry.IsBinary("MESSAGE"));
        Assert.True(entry.IsBinary("BREAK"));
        Assert.False(entry.IsBinary("PRIORITY"));
    }

    [Fact]
    public void An_exception_is_sent_whole_in_the_exception_field()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);
        Exception thrown;
        try { throw new InvalidOperationException("worker 4242 vanished"); }
        catch (InvalidOperationException e) { thrown = e; }

        log.Error(thrown, "Hand-off failed");

        var entry = _journal.Receive();
        Assert.Equal("3", entry["PRIORITY"]);
        Assert.Equal(thrown.ToString(), entry["EXCEPTION"]);
        Assert.True(entry.IsBinary("EXCEPTION"), "a stack trace has newlines");
    }

    [Fact]
    public void An_entry_too_big_for_a_datagram_goes_through_a_sealed_memfd()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);
        using var log = LoggerFor(sink);
        string big = new string('x', 300 * 1024);

        log.Information("Big {Payload}", big);

        using var datagram = _journal.ReceiveDatagram();
        Assert.Empty(datagram.Data);
        var fd = Assert.Single(datagram.TakeDescriptors());
        using (fd)
        {
            Assert.Equal(Libc.F_SEAL_SHRINK | Libc.F_SEAL_GROW | Libc.F_SEAL_WRITE | Libc.F_SEAL_SEAL, MemfdContent.Seals(fd));
            var entry = JournalFields.Parse(MemfdContent.Read(fd));
            Assert.Equal("Big " + big, entry["MESSAGE"]);
            Assert.Equal(big, entry["PAYLOAD"]);
        }
        Assert.Equal(JournalSendResult.SentAsMemfd, sink.LastResult);
        Assert.Equal(0, sink.DroppedCount);
    }

    [Fact]
    public void A_missing_journal_socket_drops_entries_without_throwing()
    {
        string missing = Path.Combine(Path.GetTempPath(), "fdhandoff-no-journal-" + Guid.NewGuid().ToString("N"), "socket");
        using var sink = new JournaldSink("fdhandoff", missing);
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        log.Information("nobody hears this");
        sink.Emit(new LogEvent(DateTimeOffset.Now, LogEventLevel.Error, null, MessageTemplate.Empty, []));

        Assert.Equal(2, sink.DroppedCount);
        Assert.Equal(JournalSendResult.Unreachable, sink.LastResult);
    }

    [Fact]
    public void Entries_the_journal_did_not_take_go_to_the_fallback()
    {
        string missing = Path.Combine(Path.GetTempPath(), "fdhandoff-no-journal-" + Guid.NewGuid().ToString("N"), "socket");
        var fallback = new CollectingSink();
        using var sink = new JournaldSink("fdhandoff", missing, fallback);
        using var log = new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger();

        log.Warning("to the console instead");

        Assert.Equal("to the console instead", Assert.Single(fallback.Events).RenderMessage());
    }

    [Fact]
    public void Entries_reach_a_journald_that_restarted()
    {
        var fallback = new CollectingSink();
        using var sink = new JournaldSink("fdhandoff", _journal.Path, fallback);
        using var log = LoggerFor(sink);
        log.Information("before");
        Assert.Equal("before", _journal.Receive()["MESSAGE"]);

        _journal.Stop();
        log.Information("while it is down");
        Assert.Equal(JournalSendResult.Unreachable, sink.LastResult); // ECONNREFUSED: the file is there, nobody reads
        _journal.Start();
        log.Information("after");

        Assert.Equal("after", _journal.Receive()["MESSAGE"]);
        Assert.Equal("while it is down", Assert.Single(fallback.Events).RenderMessage());
        Assert.Equal(1, sink.DroppedCount);
    }

    [Fact]
    public void The_journal_socket_is_not_inherited_by_children()
    {
        using var sink = new JournaldSink("fdhandoff", _journal.Path);

        Assert.NotNull(sink.Socket);
        Assert.True(SocketProbe.IsCloseOnExec(sink.Socket.Handle.Value));
    }
}
