using System.Net;
using Microsoft.AspNetCore.Connections;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Kestrel's socket listener with a way to stop accepting and nothing more: <see cref="StopAcceptingAsync"/>
/// unbinds (no further accept) while open connections go on and the shared socket stays in LISTEN,
/// open in the supervisor and in the next generation. Counts the connections it accepted.
/// </summary>
internal sealed class DrainableConnectionListener(IConnectionListener inner, DrainState state) : IConnectionListener
{
    private int _stopped;

    public EndPoint EndPoint => inner.EndPoint;

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        var connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
        if (connection is not null)
        {
            state.ConnectionOpened();
            connection.ConnectionClosed.Register(static s => ((DrainState)s!).ConnectionClosed(), state);
        }
        return connection;
    }

    /// <summary>Stops accepting; connections already accepted are not touched.</summary>
    public ValueTask StopAcceptingAsync() =>
        Interlocked.Exchange(ref _stopped, 1) == 0 ? inner.UnbindAsync() : ValueTask.CompletedTask;

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => StopAcceptingAsync();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
