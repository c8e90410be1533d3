namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// What the HTTP side of a draining worker shares: whether it drains (responses then carry
/// <c>Connection: close</c>) and how many connections are still open.
/// </summary>
internal sealed class DrainState
{
    private readonly CancellationTokenSource _requestDeadline = new();
    private int _connections;
    private int _requestsCut;
    private volatile bool _draining;
    private TaskCompletionSource _idle = NewIdle();

    /// <summary>True once the worker drains: every response from now on closes its connection.</summary>
    public bool Draining => _draining;

    /// <summary>HTTP connections accepted and not yet closed.</summary>
    public int OpenConnections => Volatile.Read(ref _connections);

    internal void BeginDraining() => _draining = true;

    /// <summary>Fires when requests still running must stop so they can be answered before the deadline.</summary>
    internal CancellationToken RequestDeadline => _requestDeadline.Token;

    /// <summary>Requests that were still running at the request deadline (answered 503, or ended by Kestrel).</summary>
    public int RequestsCutAtDeadline => Volatile.Read(ref _requestsCut);

    internal void CancelRequestsAfter(TimeSpan delay) => _requestDeadline.CancelAfter(delay > TimeSpan.Zero ? delay : TimeSpan.Zero);

    internal void RequestCutAtDeadline() => Interlocked.Increment(ref _requestsCut);

    internal void ConnectionOpened() => Interlocked.Increment(ref _connections);

    internal void ConnectionClosed()
    {
        if (Interlocked.Decrement(ref _connections) == 0) _idle.TrySetResult();
    }

    /// <summary>Completes when no connection is open, or when <paramref name="cancellationToken"/> fires.</summary>
    internal async Task WaitForNoConnectionsAsync(CancellationToken cancellationToken)
    {
        while (OpenConnections > 0 && !cancellationToken.IsCancellationRequested)
        {
            var idle = _idle;
            if (OpenConnections == 0) break;
            try { await idle.Task.WaitAsync(cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            Interlocked.CompareExchange(ref _idle, NewIdle(), idle);
        }
    }

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
