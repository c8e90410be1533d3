using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Wraps Kestrel's <see cref="SocketTransportFactory"/> so a draining worker can stop accepting without
/// closing its connections: no public Kestrel API does only that (IServer.StopAsync also closes them).
/// It also binds the worker's <see cref="WarmUpEndPoint"/>, which no socket transport could.
/// </summary>
internal sealed class DrainableConnectionListenerFactory(
    IOptions<SocketTransportOptions> options, ILoggerFactory loggerFactory, DrainState state, AcceptGate gate, WarmUpListener warmUp)
    : IConnectionListenerFactory
{
    private readonly SocketTransportFactory _inner = new(options, loggerFactory);
    private readonly ConcurrentBag<DrainableConnectionListener> _listeners = [];

    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is WarmUpEndPoint) return warmUp;
        var listener = new DrainableConnectionListener(await _inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), state, gate);
        _listeners.Add(listener);
        return listener;
    }

    /// <summary>Stops every listener from accepting; the listening sockets stay open and listening.</summary>
    public Task StopAcceptingAsync() =>
        // Each call cancels its accept at once and then waits for it to settle: all stop together.
        Task.WhenAll(_listeners.Select(l => l.StopAcceptingAsync().AsTask()));
}
