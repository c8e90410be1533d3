using System.Net.Sockets;
using FdHandoff.Client;
using FdHandoff.Listeners;

namespace FdHandoff.Worker;

/// <summary>
/// Serves the long-lived stream listeners Kestrel does not (TCP, MPTCP, SCTP, unix): <c>counter*</c> (the line counter) and <c>echo*</c> and
/// every other SCTP listener (echo), and the established connections a retiring worker hands over to this one.
/// On drain it stops accepting, hands every connection over to the next generation, closes in order the ones
/// nobody can take, and at the deadline closes what is left, so the worker exits as soon as its work is done.
/// </summary>
public sealed class LiveConnectionService(HandoffClient handoff, ILogger<LiveConnectionService> logger) : BackgroundService
{
    /// <summary>Kept back from the supervisor's deadline to close what is still open, in order, before SIGKILL.</summary>
    private static readonly TimeSpan CloseReserve = TimeSpan.FromMilliseconds(800);

    /// <summary>Stopped without a drain: how long connections get to close on their own side.</summary>
    private static readonly TimeSpan PlainStopCloseAfter = TimeSpan.FromSeconds(2);

    private readonly CancellationTokenSource _hardStop = new();
    private CancellationToken _leave;
    private readonly Lock _lock = new();
    private readonly List<Task> _connections = [];
    private int _open, _moved, _received, _kept, _atDeadline;
    private string _lastRefusal = "";

    /// <summary>Whether this listener is served here, and with which protocol.</summary>
    public static IStreamProtocol? ProtocolFor(ListenerSpec spec, ReadOnlySpan<byte> state = default) =>
        !spec.IsStream ? null // udp: DatagramEchoService
        : spec.Name.StartsWith("counter", StringComparison.Ordinal) ? new CounterProtocol(state)
        : spec.Name.StartsWith("echo", StringComparison.Ordinal) || spec.Transport == ListenerTransport.Sctp ? new EchoProtocol()
        : null;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the worker reports ready (ExecuteAsync may run later, on its own task): a worker that has not
        // said it takes connections by then is sent none.
        handoff.TakeHandedOverConnections();
        foreach (var listener in handoff.Listeners.Values.Where(l => ProtocolFor(l.Spec) is not null)) listener.MarkServed();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Drain (or a plain stop): stop accepting, hand every connection over at its next boundary.
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, handoff.DrainRequested);
        _leave = leave.Token;
        using var onDrain = handoff.DrainRequested.Register(() => ArmHardStop(handoff.DrainDeadline - DateTimeOffset.UtcNow - CloseReserve));
        // Stopped without a drain (SIGTERM from outside): nobody will take the connections; close them soon.
        using var onStop = stoppingToken.Register(() => { if (!handoff.DrainRequested.IsCancellationRequested) ArmHardStop(PlainStopCloseAfter); });
        var loops = handoff.Listeners.Values
            .Where(l => ProtocolFor(l.Spec) is not null)
            .Select(l => AcceptLoopAsync(l))
            .Append(ReceiveHandedOverAsync(stoppingToken))
            .ToList();
        await Task.WhenAll(loops).ConfigureAwait(false);
        Task[] open;
        lock (_lock) open = _connections.ToArray();
        await Task.WhenAll(open).ConfigureAwait(false);
        WorkerLog.ConnectionsEnded(logger, handoff.Generation, Environment.ProcessId, _moved, _received, _kept, _atDeadline, _lastRefusal);
    }

    private void ArmHardStop(TimeSpan after)
    {
        try { _hardStop.CancelAfter(after > TimeSpan.Zero ? after : TimeSpan.Zero); }
        catch (ObjectDisposedException) { }
    }

    private async Task AcceptLoopAsync(HandedOffListener listener)
    {
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token, _leave);
        WorkerLog.Serving(logger, listener.Name, listener.Spec.Address, listener.Protocol);
        while (!stopAccepting.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                // Asynchronous only: a blocking accept pending at close would shut the shared listener down.
                connection = await listener.Socket.AcceptAsync(stopAccepting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                WorkerLog.AcceptFailed(logger, listener.Name, e.Message);
                continue;
            }
            Serve(connection, listener.Name, ProtocolFor(listener.Spec)!);
        }
    }

    /// <summary>
    /// For as long as the worker runs, even while it drains (such a connection is handed on at once). Ends when
    /// the host stops: one that arrives later is never acknowledged, so the supervisor gives it to another worker.
    /// </summary>
    private async Task ReceiveHandedOverAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_hardStop.Token, stoppingToken);
        while (!stop.IsCancellationRequested)
        {
            HandedOverConnection arrived;
            try
            {
                arrived = await handoff.AcceptConnectionAsync(stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                return;
            }
            var protocol = handoff.Listeners.TryGetValue(arrived.Listener, out var listener) ? ProtocolFor(listener.Spec, arrived.State.Span) : null;
            if (protocol is null)
            {
                arrived.Socket.Dispose(); // a listener this worker does not serve: nothing can continue it
                continue;
            }
            Interlocked.Increment(ref _received);
            Serve(arrived.Socket, arrived.Listener, protocol);
        }
    }

    private void Serve(Socket socket, string listener, IStreamProtocol protocol)
    {
        handoff.ReportConnections(Interlocked.Increment(ref _open));
        var connection = new LiveConnection(socket, listener, protocol, handoff);
        var run = Task.Run(async () =>
        {
            var outcome = await connection.RunAsync(_leave, _hardStop.Token).ConfigureAwait(false);
            switch (outcome)
            {
                case LiveConnection.Outcome.HandedOver: Interlocked.Increment(ref _moved); break;
                case LiveConnection.Outcome.ClosedNoSuccessor: Interlocked.Increment(ref _kept); _lastRefusal = connection.Refusal; break;
                case LiveConnection.Outcome.ClosedAtDeadline: Interlocked.Increment(ref _atDeadline); break;
            }
            handoff.ReportConnections(Interlocked.Decrement(ref _open));
        });
        lock (_lock)
        {
            _connections.RemoveAll(t => t.IsCompleted);
            _connections.Add(run);
        }
    }

    public override void Dispose()
    {
        _hardStop.Dispose();
        base.Dispose();
    }
}
