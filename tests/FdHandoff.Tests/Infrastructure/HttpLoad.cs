using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Continuous HTTP load from several concurrent clients until stopped: either a new connection per
/// request (<c>Connection: close</c>), or keep-alive connections that reconnect only when the server
/// says <c>Connection: close</c>. Anything else (refused, reset, closed mid-request, timeout, non-200)
/// counts as a failure, as wrk counts it.
/// </summary>
public sealed class HttpLoad : IAsyncDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Each client's pause after a request: about 400 requests a second per client, thousands in all, a request
    /// in flight at every moment of an upgrade. Unpaced, the clients took both cores of the test machine, and the
    /// processes under test (a new generation starting, at a lower priority) waited for CPU instead of being tested.
    /// </summary>
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(2);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, long> _failures = new();
    private readonly ConcurrentDictionary<string, byte> _responders = new();
    private readonly Task[] _clients;
    private long _ok;
    private readonly TaskCompletionSource _firstOk = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly Func<Socket>? _newSocket;

    private HttpLoad(EndPoint endpoint, int clients, bool keepAlive, Func<Socket>? newSocket)
    {
        _newSocket = newSocket;
        _clients = Enumerable.Range(0, clients)
            .Select(_ => Task.Run(() => keepAlive ? KeepAliveLoopAsync(endpoint) : CloseLoopAsync(endpoint)))
            .ToArray();
    }

    public static HttpLoad Start(IPEndPoint endpoint, int clients, bool keepAlive) => new(endpoint, clients, keepAlive, null);

    /// <summary>Load on any stream endpoint (a unix socket too), each connection on a socket from <paramref name="newSocket"/> when given (MPTCP).</summary>
    public static HttpLoad Start(EndPoint endpoint, int clients, bool keepAlive, Func<Socket>? newSocket) => new(endpoint, clients, keepAlive, newSocket);

    public long Ok => Interlocked.Read(ref _ok);

    /// <summary>Completes once any request succeeded.</summary>
    public Task FirstSuccess => _firstOk.Task;

    /// <summary>Waits until <paramref name="count"/> more requests have succeeded from now.</summary>
    public async Task WaitForMoreSuccessesAsync(long count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            long target = Ok + count;
            _waiters.Add((target, reached));
        }
        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"load did not get {count} more successes within {timeout.TotalSeconds:0} s; {Snapshot()}");
        }
    }

    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];

    public async Task<LoadResult> StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_clients);
        return Snapshot();
    }

    private LoadResult Snapshot() => new(Ok, new Dictionary<string, long>(_failures), new HashSet<string>(_responders.Keys));

    private async Task CloseLoopAsync(EndPoint endpoint)
    {
        while (!_stop.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(RequestTimeout);
            try
            {
                Record(await RawHttp.GetOnceAsync(endpoint, _newSocket, "/", timeout.Token));
            }
            catch (Exception e)
            {
                Fail(e, timeout.IsCancellationRequested);
            }
            await PauseAsync();
        }
    }

    private async Task PauseAsync()
    {
        try
        {
            await Task.Delay(Pace, _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task KeepAliveLoopAsync(EndPoint endpoint)
    {
        RawHttp? connection = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var timeout = new CancellationTokenSource(RequestTimeout);
                try
                {
                    connection ??= await RawHttp.ConnectAsync(endpoint, _newSocket, timeout.Token);
                    var response = await connection.GetAsync("/", close: false, timeout.Token);
                    Record(response);
                    if (response.ConnectionClose)
                    {
                        // The server asked to close after this response: a graceful end, reconnect.
                        connection.Dispose();
                        connection = null;
                    }
                }
                catch (Exception e)
                {
                    Fail(e, timeout.IsCancellationRequested);
                    connection?.Dispose();
                    connection = null;
                }
                await PauseAsync();
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void Record(HttpResponse response)
    {
        if (response.Status != 200)
        {
            _failures.AddOrUpdate($"status {response.Status}", 1, (_, n) => n + 1);
            return;
        }
        long ok = Interlocked.Increment(ref _ok);
        _firstOk.TrySetResult();
        lock (_waiters)
        {
            foreach (var w in _waiters.Where(w => ok >= w.Target).ToList())
            {
                w.Reached.TrySetResult();
                _waiters.Remove(w);
            }
        }
        int pid = response.Body.IndexOf("pid ", StringComparison.Ordinal);
        if (pid >= 0) _responders.TryAdd(response.Body[(pid + 4)..].Split(' ')[0], 0);
    }

    private void Fail(Exception e, bool timedOut)
    {
        if (_stop.IsCancellationRequested && !timedOut) return; // stopping, not a failure
        string kind = timedOut ? "timeout" : e switch
        {
            SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "refused",
            SocketException { SocketErrorCode: SocketError.ConnectionReset } => "reset",
            SocketException s => "socket " + s.SocketErrorCode,
            EndOfStreamException => "closed early",
            _ => e.GetType().Name,
        };
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        _stop.Dispose();
    }
}
