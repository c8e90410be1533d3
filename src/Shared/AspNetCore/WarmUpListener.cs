using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Kestrel's listener for <see cref="WarmUpEndPoint"/>: it accepts the server ends of socket pairs the worker
/// created for its warm-up, wrapped by Kestrel's own socket connection code (the path a real connection takes),
/// and ends (Kestrel's accept loop for it stops) once the warm-up is over.
/// </summary>
internal sealed class WarmUpListener(ILoggerFactory loggerFactory) : IConnectionListener
{
    private readonly Channel<Socket> _pending = Channel.CreateUnbounded<Socket>();
    private readonly SocketConnectionContextFactory _connections =
        new(new SocketConnectionFactoryOptions(), loggerFactory.CreateLogger<WarmUpListener>());

    public EndPoint EndPoint { get; } = new WarmUpEndPoint();

    /// <summary>Queues a connected socket for Kestrel to serve; Kestrel's connection then owns it.</summary>
    public bool Offer(Socket serverEnd) => _pending.Writer.TryWrite(serverEnd);

    /// <summary>No more warm-up connections: Kestrel's accept loop for this endpoint ends.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var socket = await _pending.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return _connections.Create(socket);
        }
        catch (ChannelClosedException) { return null; }
        catch (OperationCanceledException) { return null; }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        Complete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Complete();
        // Sockets offered and never accepted (a warm-up cut short by a stop) are still ours to close.
        while (_pending.Reader.TryRead(out var socket)) socket.Dispose();
        _connections.Dispose();
        return ValueTask.CompletedTask;
    }
}
