using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A minimal HTTP/1.1 client over a raw socket, so a test sees exactly what the server did
/// (refused, reset, closed early) rather than what a pooling client retried.
/// </summary>
public sealed class RawHttp : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private int _start, _end;

    private RawHttp(Socket socket) => _socket = socket;

    public static Task<RawHttp> ConnectAsync(IPEndPoint endpoint, CancellationToken ct) => ConnectAsync(endpoint, null, ct);

    /// <summary>
    /// Connects to any stream endpoint (IP or <see cref="UnixDomainSocketEndPoint"/>), on a socket from
    /// <paramref name="newSocket"/> when given (an MPTCP one, say).
    /// </summary>
    public static async Task<RawHttp> ConnectAsync(EndPoint endpoint, Func<Socket>? newSocket, CancellationToken ct)
    {
        var socket = newSocket?.Invoke() ?? (endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true });
        try
        {
            await socket.ConnectAsync(endpoint, ct);
            return new RawHttp(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One GET on a new connection with <c>Connection: close</c>.</summary>
    public static Task<HttpResponse> GetOnceAsync(IPEndPoint endpoint, string path = "/", CancellationToken ct = default) =>
        GetOnceAsync(endpoint, null, path, ct);

    /// <summary>One GET on a new connection to any stream endpoint, on a socket from <paramref name="newSocket"/> when given.</summary>
    public static async Task<HttpResponse> GetOnceAsync(EndPoint endpoint, Func<Socket>? newSocket, string path = "/", CancellationToken ct = default)
    {
        using var http = await ConnectAsync(endpoint, newSocket, ct);
        return await http.GetAsync(path, close: true, ct);
    }

    /// <summary>
    /// After a response: true when the server then closed with FIN (end of stream, nothing more sent); throws
    /// a <see cref="SocketException"/> (ConnectionReset) when it closed with RST.
    /// </summary>
    public async Task<bool> ClosedCleanlyAsync(CancellationToken ct)
    {
        if (_end > _start) return false; // bytes after the response: not a clean end
        return await _socket.ReceiveAsync(_buffer.AsMemory(), SocketFlags.None, ct) == 0;
    }

    public async Task<HttpResponse> GetAsync(string path, bool close, CancellationToken ct)
    {
        string request = $"GET {path} HTTP/1.1\r\nHost: test\r\n{(close ? "Connection: close\r\n" : "")}\r\n";
        await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, ct);

        string head = await ReadHeadAsync(ct);
        var lines = head.Split("\r\n");
        string[] statusLine = lines[0].Split(' ');
        int status = int.Parse(statusLine[1]);
        int length = 0;
        bool connectionClose = false, chunked = false;
        foreach (var line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            string name = line[..colon].Trim(), value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)) length = int.Parse(value);
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && value.Equals("close", StringComparison.OrdinalIgnoreCase)) connectionClose = true;
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase)) chunked = true;
        }
        var body = chunked ? await ReadChunkedAsync(ct) : await ReadExactlyAsync(length, ct);
        return new HttpResponse(status, connectionClose, Encoding.ASCII.GetString(body));
    }

    private async Task<byte[]> ReadChunkedAsync(CancellationToken ct)
    {
        var body = new MemoryStream();
        while (true)
        {
            int size = Convert.ToInt32((await ReadLineAsync(ct)).Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                while ((await ReadLineAsync(ct)).Length > 0) { } // trailers
                return body.ToArray();
            }
            body.Write(await ReadExactlyAsync(size, ct));
            await ReadLineAsync(ct);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            int end = new ReadOnlySpan<byte>(_buffer, _start, _end - _start).IndexOf("\r\n"u8);
            if (end >= 0)
            {
                string line = Encoding.ASCII.GetString(_buffer, _start, end);
                _start += end + 2;
                return line;
            }
            await FillAsync(ct);
        }
    }

    private async Task<string> ReadHeadAsync(CancellationToken ct)
    {
        while (true)
        {
            int end = new ReadOnlySpan<byte>(_buffer, _start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                string head = Encoding.ASCII.GetString(_buffer, _start, end);
                _start += end + 4;
                return head;
            }
            await FillAsync(ct);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken ct)
    {
        var result = new byte[count];
        int have = 0;
        while (have < count)
        {
            if (_start == _end) await FillAsync(ct);
            int n = Math.Min(count - have, _end - _start);
            Array.Copy(_buffer, _start, result, have, n);
            _start += n;
            have += n;
        }
        return result;
    }

    private async Task FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new IOException("response head too large");
        int n = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct);
        if (n == 0) throw new EndOfStreamException("connection closed before the response was complete");
        _end += n;
    }

    public void Dispose() => _socket.Dispose();
}
