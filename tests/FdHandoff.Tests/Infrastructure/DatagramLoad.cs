using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Request/response datagrams at a steady rate: each carries a sequence number, the echo must bring every one
/// back. Nothing is retransmitted, so a datagram lost anywhere (dropped by a worker, never read) stays missing.
/// </summary>
public sealed class DatagramLoad : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stopSending = new();
    private readonly CancellationTokenSource _stopReceiving = new();
    private readonly ConcurrentDictionary<long, byte> _outstanding = new();
    private readonly Task _sender, _receiver;
    private readonly Lock _lock = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private TaskCompletionSource? _allAnswered;
    private long _sent, _answered, _unexpected;

    private DatagramLoad(IPEndPoint server, TimeSpan interval)
    {
        _socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        // Room for every answer in flight: a full client buffer would drop replies and blame the server.
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
        _socket.Connect(server);
        _receiver = Task.Run(ReceiveLoopAsync);
        _sender = Task.Run(() => SendLoopAsync(interval));
    }

    /// <summary>Starts sending one datagram every <paramref name="interval"/> to <paramref name="server"/>.</summary>
    public static DatagramLoad Start(IPEndPoint server, TimeSpan interval) => new(server, interval);

    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Waits until <paramref name="count"/> more answers have arrived from now.</summary>
    public async Task WaitForMoreAnswersAsync(long count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock) _waiters.Add((Answered + count, reached));
        try
        {
            await reached.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"datagram load did not get {count} more answers within {timeout.TotalSeconds:0} s: sent {Interlocked.Read(ref _sent)}, answered {Answered}");
        }
    }

    /// <summary>
    /// Stops sending, then waits (up to <paramref name="grace"/>) until every datagram sent is answered.
    /// Returns what was sent, answered and never answered.
    /// </summary>
    public async Task<(long Sent, long Answered, IReadOnlyList<long> Missing, long Unexpected)> StopAsync(TimeSpan grace)
    {
        _stopSending.Cancel();
        await _sender;
        Task all;
        lock (_lock)
        {
            _allAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_outstanding.IsEmpty) _allAnswered.TrySetResult();
            all = _allAnswered.Task;
        }
        try
        {
            await all.WaitAsync(grace);
        }
        catch (TimeoutException)
        {
            // Reported below as the missing ids.
        }
        _stopReceiving.Cancel();
        await _receiver;
        return (Interlocked.Read(ref _sent), Answered, _outstanding.Keys.Order().ToList(), Interlocked.Read(ref _unexpected));
    }

    private async Task SendLoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        var payload = new byte[16];
        long id = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopSending.Token))
            {
                BinaryPrimitives.WriteInt64BigEndian(payload, id);
                BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(8), ~id);
                _outstanding[id] = 0;
                await _socket.SendAsync(payload, SocketFlags.None);
                Interlocked.Increment(ref _sent);
                id++;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64];
        while (!_stopReceiving.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stopReceiving.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // ECONNREFUSED from an ICMP port unreachable: nobody read a datagram; it stays missing.
                continue;
            }
            long id = BinaryPrimitives.ReadInt64BigEndian(buffer);
            if (n != 16 || BinaryPrimitives.ReadInt64BigEndian(buffer.AsSpan(8)) != ~id || !_outstanding.TryRemove(id, out _))
            {
                Interlocked.Increment(ref _unexpected); // corrupted, or answered twice
                continue;
            }
            long answered = Interlocked.Increment(ref _answered);
            lock (_lock)
            {
                foreach (var w in _waiters.Where(w => answered >= w.Target).ToList())
                {
                    w.Reached.TrySetResult();
                    _waiters.Remove(w);
                }
                if (_allAnswered is not null && _outstanding.IsEmpty) _allAnswered.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopSending.IsCancellationRequested) await StopAsync(TimeSpan.Zero);
        _socket.Dispose();
        _stopSending.Dispose();
        _stopReceiving.Dispose();
    }
}
