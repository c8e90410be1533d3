using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FdHandoff.Tests.Unit;

/// <summary>
/// The counter protocol (<c>&lt;n&gt; &lt;line&gt;\n</c> for every line, n from 1 per connection) on a
/// real TCP listener in the test process, to prove the test clients before the worker serves it.
/// Makes one <see cref="CounterFault"/>, once, when some connection reaches line <c>FaultAtLine</c>.
/// </summary>
public sealed class CounterTestServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private readonly CounterFault _fault;
    private readonly long _faultAtLine;
    private int _faultMade;
    private long _lines, _partialReads;

    public CounterTestServer(CounterFault fault = CounterFault.None, long faultAtLine = 50)
    {
        _fault = fault;
        _faultAtLine = faultAtLine;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Lines answered over all connections.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Reads that ended inside a line: proof that split lines arrived in pieces.</summary>
    public long PartialReads => Interlocked.Read(ref _partialReads);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            lock (_connections) _connections.Add(ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[4096];
            var pending = new List<byte>();
            long n = 0;
            try
            {
                while (true)
                {
                    int read = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                    if (read == 0) return;
                    pending.AddRange(buffer.AsSpan(0, read));
                    if (buffer[read - 1] != (byte)'\n') Interlocked.Increment(ref _partialReads);
                    int nl;
                    while ((nl = pending.IndexOf((byte)'\n')) >= 0)
                    {
                        string line = Encoding.UTF8.GetString(pending.GetRange(0, nl).ToArray());
                        pending.RemoveRange(0, nl + 1);
                        n++;
                        string answer = $"{n} {line}\n";
                        switch (n == _faultAtLine && Interlocked.Exchange(ref _faultMade, 1) == 0 ? _fault : CounterFault.None)
                        {
                            case CounterFault.ResetN:
                                n = 1;
                                answer = $"{n} {line}\n";
                                break;
                            case CounterFault.SkipN:
                                n += 1;
                                answer = $"{n} {line}\n";
                                break;
                            case CounterFault.Duplicate:
                                answer += answer;
                                break;
                            case CounterFault.Close:
                                socket.Shutdown(SocketShutdown.Both);
                                return;
                            case CounterFault.Reset:
                                socket.LingerState = new LingerOption(true, 0);
                                return;
                        }
                        Interlocked.Increment(ref _lines);
                        await socket.SendAsync(Encoding.UTF8.GetBytes(answer), SocketFlags.None, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open);
        _stop.Dispose();
    }
}
