using System.Net;
using Microsoft.AspNetCore.Connections;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Kestrel's socket listener with a way to stop accepting and nothing more: <see cref="StopAcceptingAsync"/>
/// cancels the pending accept (no further accept) while open connections go on and the shared socket
/// stays in LISTEN, open in the supervisor and in the next generation. Counts the connections it accepted.
/// Accepts nothing before the <see cref="AcceptGate"/> opens (after the worker's warm-up).
/// </summary>
/// <remarks>
/// Stopping cancels the accept rather than unbinding (which disposes Kestrel's socket under a pending
/// accept): a cancellation that loses the race to a completed accept4() still delivers that connection,
/// whereas a dispose racing a completed accept can drop it (seen as 1 read error in 1.9 million requests
/// over 1,000 upgrades). Kestrel disposes the socket itself later, at stop, with no accept pending.
/// </remarks>
internal sealed class DrainableConnectionListener(IConnectionListener inner, DrainState state, AcceptGate gate) : IConnectionListener
{
    private readonly CancellationTokenSource _stopAccepting = new();
    // The accept in progress (Kestrel runs one at a time per listener); completed once it has returned and, if it
    // returned a connection, once that connection is counted.
    private TaskCompletionSource _acceptSettled = Settled();

    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        // Published before the stop check: a StopAcceptingAsync that cancels after this line waits for this accept,
        // and one that cancelled before it is seen by the check below.
        var settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _acceptSettled, settled);
        try
        {
            if (_stopAccepting.IsCancellationRequested) return null;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopAccepting.Token);
            ConnectionContext? connection;
            try
            {
                // Not before the warm-up is over: until then the serving generation takes what arrives.
                if (!gate.IsOpen) await gate.WhenOpen.WaitAsync(linked.Token).ConfigureAwait(false);
                connection = await inner.AcceptAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopAccepting.IsCancellationRequested)
            {
                return null; // tells Kestrel's accept loop for this endpoint to end
            }
            if (connection is not null)
            {
                state.ConnectionOpened();
                connection.ConnectionClosed.Register(static s => ((DrainState)s!).ConnectionClosed(), state);
            }
            return connection;
        }
        finally
        {
            settled.TrySetResult();
        }
    }

    /// <summary>
    /// Stops accepting; connections already accepted are not touched. Completes once the accept that was in
    /// progress has returned: if it lost the race to a connection, that connection is counted by then, so a drain
    /// that next waits for no open connection waits for it too, instead of stopping Kestrel before it has read that
    /// connection's request (the client would see a reset). Kestrel's socket accept honours the cancellation; the
    /// wait is bounded all the same, so a transport that does not cannot hold a drain up.
    /// </summary>
    public async ValueTask StopAcceptingAsync()
    {
        _stopAccepting.Cancel();
        try { await Volatile.Read(ref _acceptSettled).Task.WaitAsync(AcceptSettleLimit).ConfigureAwait(false); }
        catch (TimeoutException) { }
    }

    private static readonly TimeSpan AcceptSettleLimit = TimeSpan.FromSeconds(2);

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _stopAccepting.Cancel();
        return inner.UnbindAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        _stopAccepting.Cancel();
        return inner.DisposeAsync();
    }

    private static TaskCompletionSource Settled()
    {
        var settled = new TaskCompletionSource();
        settled.SetResult();
        return settled;
    }
}
