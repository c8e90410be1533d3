using Serilog.Core;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>
/// A Serilog sink that writes straight to journald over its Native Journal Protocol, one entry per
/// event with every structured property as a journal field (see <see cref="JournalEntryFormatter"/>).
/// Logging never fails the program: an entry that cannot be sent is counted in
/// <see cref="DroppedCount"/> and, when a fallback sink is given, written there instead.
/// </summary>
internal sealed class JournaldSink : ILogEventSink, IDisposable
{
    private readonly JournalEntryFormatter _formatter;
    private readonly JournalEntryWriter _writer = new();
    private readonly JournalSocket? _socket;
    private readonly ILogEventSink? _fallback;
    private readonly Lock _lock = new();
    private long _dropped;

    /// <param name="identifier">The program's name, sent as <c>SYSLOG_IDENTIFIER</c> (<c>journalctl -t</c>).</param>
    /// <param name="socketPath">The journal socket; defaults to <c>/run/systemd/journal/socket</c>.</param>
    /// <param name="fallback">Where entries go that the journal did not take; none drops them. Owned by this sink from here on: disposed with it when it is <see cref="IDisposable"/>.</param>
    /// <param name="includeMessageTemplate">Whether to send <c>MESSAGE_TEMPLATE</c>, which groups entries by the code that wrote them.</param>
    /// <param name="sendTimeout">How long one send may wait on a full journald queue; defaults to 1 s.</param>
    public JournaldSink(string identifier, string? socketPath = null, ILogEventSink? fallback = null,
        bool includeMessageTemplate = true, TimeSpan? sendTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        _formatter = new JournalEntryFormatter(identifier, includeMessageTemplate);
        _fallback = fallback;
        try
        {
            _socket = new JournalSocket(socketPath ?? JournalSocket.DefaultPath, sendTimeout ?? TimeSpan.FromSeconds(1));
        }
        catch (Interop.NativeCallException)
        {
            // Out of descriptors at start-up: every entry goes to the fallback rather than the logger failing.
            _socket = null;
        }
    }

    /// <summary>The journal socket entries are sent to.</summary>
    public static string DefaultSocketPath => JournalSocket.DefaultPath;

    /// <summary>How many entries the journal did not take (sent to the fallback if there is one).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>The socket entries leave through; null when none could be created.</summary>
    internal JournalSocket? Socket => _socket;

    /// <summary>What happened to the last entry, for tests and diagnostics.</summary>
    internal JournalSendResult LastResult { get; private set; }

    public void Emit(LogEvent logEvent)
    {
        JournalSendResult result;
        lock (_lock)
        {
            try
            {
                if (_socket is null)
                {
                    result = JournalSendResult.Failed;
                }
                else
                {
                    _writer.Reset();
                    _formatter.Format(logEvent, _writer);
                    result = _socket.Send(_writer.WrittenSpan, out _);
                }
            }
            catch (Exception)
            {
                // A property whose ToString throws, a disposed sink: the program goes on either way.
                result = JournalSendResult.Failed;
            }
            LastResult = result;
        }

        if (result is JournalSendResult.Sent or JournalSendResult.SentAsMemfd) return;
        Interlocked.Increment(ref _dropped);
        try
        {
            _fallback?.Emit(logEvent);
        }
        catch (Exception)
        {
            // The fallback failing as well leaves nowhere to report it.
        }
    }

    public void Dispose()
    {
        lock (_lock) _socket?.Dispose();
        (_fallback as IDisposable)?.Dispose();
    }
}
