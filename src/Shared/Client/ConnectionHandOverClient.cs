using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// The worker's half of established-connection hand-over, on its control channel: sends a connection with its
/// state and waits for the supervisor's answer; queues connections handed to this worker and acknowledges
/// each when the application takes it. Owned by <see cref="HandoffClient"/>.
/// When the supervisor vanishes, hand-overs without an answer stay pending (<see cref="Suspend"/>): the supervisor
/// that adopts this worker answers each (taken by a successor, or to send again, <see cref="Resume"/>).
/// </summary>
internal sealed class ConnectionHandOverClient(ControlChannel channel) : IDisposable
{
    /// <summary>A hand-over sent and not answered yet: what to send again if the supervisor asks, and to whom to answer.</summary>
    private sealed record Pending(TaskCompletionSource<(bool Taken, string Reason)> Answer, HandOverMessage Message, Socket Connection);

    private readonly SemaphoreSlim _inTransit = new(ConnectionHandOver.MaxInTransitPerWorker, ConnectionHandOver.MaxInTransitPerWorker);
    private readonly ConcurrentDictionary<long, Pending> _pending = new();
    private volatile ControlChannel _channel = channel;
    private volatile string? _suspendedBecause;
    private readonly Channel<(long TransitId, HandedOverConnection Connection)> _arrived =
        Channel.CreateUnbounded<(long, HandedOverConnection)>(new UnboundedChannelOptions { SingleWriter = true });
    // The socket inodes of the connections handed to this worker, the latest ReceivedKept of them: what a supervisor
    // adopting us after a crash compares other workers' unanswered hand-overs with.
    private const int ReceivedKept = 65536;
    private readonly ConcurrentQueue<ulong> _received = new();
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
        if ((_closedBecause ?? _suspendedBecause) is { } gone) return Keep(gone);
        await _inTransit.WaitAsync(cancellationToken).ConfigureAwait(false);
        long id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<(bool, string)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var message = new HandOverMessage(id, listener, state.ToArray());
        _pending[id] = new Pending(answer, message, connection);
        try
        {
            if ((_closedBecause ?? _suspendedBecause) is { } closed) return Keep(closed);
            Send(message, connection);
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
        _channel.Send(message, [lease.Fd]);
    }

    private (bool, string) Keep(string reason)
    {
        Interlocked.Increment(ref _kept);
        return (false, reason);
    }

    /// <summary>From the receive loop: the supervisor's answer to one of our hand-overs.</summary>
    public void OnResult(HandOverResultMessage result)
    {
        if (!_pending.TryGetValue(result.Id, out var pending)) return;
        if (!result.Resend)
        {
            pending.Answer.TrySetResult((result.Taken, result.Reason));
            return;
        }
        // A supervisor that adopted us after its predecessor died with this hand-over unanswered: nobody received
        // it, our copy is the connection; send it again (the same id: the answer still goes to the same caller).
        try
        {
            Send(pending.Message, pending.Connection);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            pending.Answer.TrySetResult((false, $"the control connection failed: {e.Message}"));
        }
    }

    /// <summary>
    /// The control connection ended and this worker tries to reattach to the next supervisor: answers still owed
    /// stay owed, new hand-overs are refused (the caller keeps its connection) until <see cref="Resume"/>.
    /// </summary>
    public void Suspend(string why) => _suspendedBecause = why;

    /// <summary>Reattached on <paramref name="adopter"/>: hand-overs go there, and so do acknowledgements.</summary>
    public void Resume(ControlChannel adopter)
    {
        _channel = adopter;
        _suspendedBecause = null;
    }

    /// <summary>The socket inodes of the connections this worker received (the latest 65,536), for the adopting supervisor.</summary>
    public IReadOnlyList<ulong> Received() => [.. _received];

    /// <summary>The hand-overs sent and not answered, with each connection's socket inode (for the adopting supervisor).</summary>
    public IReadOnlyList<PendingHandOver> Unanswered() =>
        [.. _pending.Select(p => new PendingHandOver(p.Key, p.Value.Message.Listener, Unix.SocketInodes.Of((int)p.Value.Connection.Handle) ?? 0))];

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
        if (Unix.SocketInodes.Of((int)fds[0].DangerousGetHandle()) is { } inode)
        {
            _received.Enqueue(inode);
            if (_received.Count > ReceivedKept) _received.TryDequeue(out _);
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
            _channel.Send(new ConnectionTakenMessage(transitId));
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
        foreach (var pending in _pending.Values) pending.Answer.TrySetResult((false, why));
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
