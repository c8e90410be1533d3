using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// The worker's half of established-connection hand-over, on its control channel: sends a connection with its
/// state and waits for the supervisor's answer; queues connections handed to this worker and acknowledges
/// each when the application takes it. Owned by <see cref="HandoffClient"/>.
/// </summary>
internal sealed class ConnectionHandOverClient(ControlChannel channel) : IDisposable
{
    private readonly SemaphoreSlim _inTransit = new(ConnectionHandOver.MaxInTransitPerWorker, ConnectionHandOver.MaxInTransitPerWorker);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<(bool Taken, string Reason)>> _pending = new();
    private readonly Channel<(long TransitId, HandedOverConnection Connection)> _arrived =
        Channel.CreateUnbounded<(long, HandedOverConnection)>(new UnboundedChannelOptions { SingleWriter = true });
    private long _nextId;
    private int _handedOver, _kept;
    private volatile string? _closedBecause;

    /// <summary>The application asked for handed-over connections (reported in Ready).</summary>
    public bool Accepting { get; set; }

    public int HandedOver => Volatile.Read(ref _handedOver);
    public int Kept => Volatile.Read(ref _kept);

    public async Task<(bool Taken, string Reason)> HandOverAsync(Socket connection, string listener, ReadOnlyMemory<byte> state, CancellationToken cancellationToken)
    {
        if (state.Length > ConnectionHandOver.MaxStateBytes)
            throw new ArgumentException($"the state of a hand-over is at most {ConnectionHandOver.MaxStateBytes} bytes, this one has {state.Length}; carry less (the kernel keeps unread bytes in the socket for the successor)", nameof(state));
        if (_closedBecause is { } gone) return Keep(gone);
        await _inTransit.WaitAsync(cancellationToken).ConfigureAwait(false);
        long id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            if (_closedBecause is { } closed) return Keep(closed);
            Send(new HandOverMessage(id, listener, state.ToArray()), connection);
            var result = await answer.Task.ConfigureAwait(false);
            if (!result.Item1) return Keep(result.Item2);
            Interlocked.Increment(ref _handedOver);
            // No operation is pending on it (the caller stopped reading), so this is a plain close(2) of our copy:
            // the connection lives on in the successor.
            connection.Dispose();
            return (true, "");
        }
        catch (IOException e)
        {
            return Keep($"the control connection failed: {e.Message}");
        }
        finally
        {
            _pending.TryRemove(id, out _);
            _inTransit.Release();
        }
    }

    /// <summary>
    /// The descriptor is lent for the send: the kernel installs a copy in the supervisor; ours stays open (and
    /// read by nobody) until the successor has taken the connection.
    /// </summary>
    private void Send(HandOverMessage message, Socket connection)
    {
        using var lease = new Interop.DescriptorLease(connection.SafeHandle);
        channel.Send(message, [lease.Fd]);
    }

    private (bool, string) Keep(string reason)
    {
        Interlocked.Increment(ref _kept);
        return (false, reason);
    }

    /// <summary>From the receive loop: the supervisor's answer to one of our hand-overs.</summary>
    public void OnResult(HandOverResultMessage result)
    {
        if (_pending.TryGetValue(result.Id, out var answer)) answer.TrySetResult((result.Taken, result.Reason));
    }

    /// <summary>From the receive loop: a connection for this worker. Takes ownership of the frame's descriptor.</summary>
    public void OnConnection(ControlFrame frame)
    {
        var message = frame.Read<ConnectionMessage>();
        var fds = frame.TakeDescriptors();
        if (fds.Length != 1)
        {
            foreach (var fd in fds) fd.Dispose();
            throw new ProtocolException($"a Connection carries one descriptor, this one {fds.Length}");
        }
        // Ownership: SafeFd → SafeSocketHandle → Socket, handed to the application when it accepts it.
        var socket = new Socket(new SafeSocketHandle(fds[0].Release(), ownsHandle: true));
        if (!_arrived.Writer.TryWrite((message.TransitId, new HandedOverConnection(socket, message.Listener, message.State))))
            socket.Dispose(); // not acknowledged: the supervisor still holds it and gives it to another worker
    }

    public async ValueTask<HandedOverConnection> AcceptAsync(CancellationToken cancellationToken)
    {
        Accepting = true;
        var (transitId, connection) = await _arrived.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            channel.Send(new ConnectionTakenMessage(transitId));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The supervisor is gone; it cannot give the connection to anyone else now, so keep it.
        }
        return connection;
    }

    /// <summary>The control connection ended: no answer will come, nothing more will arrive.</summary>
    public void OnClosed(string why)
    {
        _closedBecause = why;
        foreach (var answer in _pending.Values) answer.TrySetResult((false, why));
        _arrived.Writer.TryComplete();
    }

    public void Dispose()
    {
        OnClosed("the worker is shutting down");
        // Connections that arrived and were never accepted were never acknowledged: the supervisor gives them
        // to another worker when this control connection closes; our copies just close.
        while (_arrived.Reader.TryRead(out var left)) left.Connection.Socket.Dispose();
    }
}
