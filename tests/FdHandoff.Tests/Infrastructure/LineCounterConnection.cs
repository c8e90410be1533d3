using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// One connection to the counter service (answers every line with <c>&lt;n&gt; &lt;line&gt;\n</c>, n
/// counting lines on that connection from 1), for tests that drive a single connection by hand:
/// raw sends (a line in pieces, with a pause across an upgrade), raw reads, or a checked round trip.
/// Owns its socket.
/// </summary>
public sealed class LineCounterConnection : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end;
    private readonly HashSet<string> _answered = [];

    /// <summary>Takes ownership of a connected stream socket (TCP, or SCTP one-to-one made with libc).</summary>
    public LineCounterConnection(Socket socket)
    {
        Socket = socket;
        // Pieces of a split line must leave as separate segments, not wait for Nagle to merge them.
        if (socket.ProtocolType == ProtocolType.Tcp) socket.NoDelay = true;
    }

    public Socket Socket { get; }

    /// <summary>n of the last answer accepted by <see cref="ExchangeAsync"/> (0 before any).</summary>
    public long LastN { get; private set; }

    public static async Task<LineCounterConnection> ConnectAsync(IPEndPoint endpoint, CancellationToken cancel = default)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, cancel).ConfigureAwait(false);
            return new LineCounterConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends raw bytes as they are (a piece of a line, or several lines).</summary>
    public async Task SendAsync(string text, CancellationToken cancel = default)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (int sent = 0; sent < bytes.Length;)
            sent += await Socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None, cancel).ConfigureAwait(false);
    }

    /// <summary>Sends <paramref name="line"/> and its <c>\n</c>.</summary>
    public Task SendLineAsync(string line, CancellationToken cancel = default) => SendAsync(line + "\n", cancel);

    /// <summary>
    /// The next line the peer sent, without its <c>\n</c>. Throws <see cref="EndOfStreamException"/> at
    /// EOF (also when EOF cuts a line), SocketException on a reset.
    /// </summary>
    public async Task<string> ReadLineAsync(CancellationToken cancel = default)
    {
        while (true)
        {
            int nl = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (nl >= 0)
            {
                string line = Encoding.UTF8.GetString(_buffer, _start, nl - _start);
                _start = nl + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length) throw new InvalidDataException($"an answer longer than {_buffer.Length} bytes without a newline");
            int n = await Socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException(_end > _start
                    ? $"connection closed in the middle of an answer ({_end - _start} bytes of it read)"
                    : "connection closed by the peer");
            }
            _end += n;
        }
    }

    /// <summary>Reads the next answer as <c>&lt;n&gt; &lt;line&gt;</c> (unchecked); null if it is not of that form.</summary>
    public async Task<CounterAnswer?> ReadAnswerAsync(CancellationToken cancel = default) =>
        CounterAnswer.Parse(await ReadLineAsync(cancel).ConfigureAwait(false));

    /// <summary>
    /// Sends <paramref name="line"/> (in two pieces at <paramref name="splitAt"/> bytes, with
    /// <paramref name="pause"/> between them, when given) and checks the answer is
    /// <c>LastN+1 line</c>. Returns that n; throws <see cref="LineCounterMismatchException"/> naming
    /// the fault otherwise, and TimeoutException after 10 s.
    /// </summary>
    public async Task<long> ExchangeAsync(string line, int? splitAt = null, TimeSpan? pause = null, CancellationToken cancel = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(DefaultTimeout);
        string text = line + "\n";
        try
        {
            if (splitAt is int at && at > 0 && at < text.Length)
            {
                await SendAsync(text[..at], timeout.Token).ConfigureAwait(false);
                if (pause is { } p) await Task.Delay(p, timeout.Token).ConfigureAwait(false);
                await SendAsync(text[at..], timeout.Token).ConfigureAwait(false);
            }
            else
            {
                await SendAsync(text, timeout.Token).ConfigureAwait(false);
            }
            string answer = await ReadLineAsync(timeout.Token).ConfigureAwait(false);
            if (LineCounterCheck.Judge(answer, LastN, line, _answered.Contains) is { } fault)
                throw new LineCounterMismatchException(fault, $"{fault}: sent '{line}' after n={LastN}, got '{answer}'");
            _answered.Add(line);
            return ++LastN;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"no answer to '{line}' within {DefaultTimeout.TotalSeconds:0} s (last n {LastN})");
        }
    }

    public void Dispose() => Socket.Dispose();
}
