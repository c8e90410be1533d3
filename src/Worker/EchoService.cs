using System.Net.Sockets;
using FdHandoff.Client;
using FdHandoff.Listeners;

namespace FdHandoff.Worker;

/// <summary>
/// Echoes bytes back on every handed-off listener that Kestrel does not serve: TCP listeners named
/// echo*, and every SCTP listener. Accepts asynchronously (a blocking accept pending at close could
/// shut the shared listener down for every process). On drain it stops accepting and lets open
/// connections run until the host stops at the drain deadline.
/// </summary>
public sealed partial class EchoService(HandoffClient handoff, ILogger<EchoService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var echoes = handoff.Listeners.Values
            .Where(l => l.Spec.Transport == ListenerTransport.Sctp || l.Name.StartsWith("echo", StringComparison.Ordinal))
            .ToList();
        return Task.WhenAll(echoes.Select(l => AcceptLoopAsync(l, stoppingToken)));
    }

    private async Task AcceptLoopAsync(HandedOffListener listener, CancellationToken stoppingToken)
    {
        using var stopAccepting = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, handoff.DrainRequested);
        var connections = new List<Task>();
        LogServing(listener.Name, listener.Spec.Address, listener.Protocol);
        while (!stopAccepting.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await listener.Socket.AcceptAsync(stopAccepting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                LogAcceptFailed(listener.Name, e.Message);
                continue;
            }
            connections.RemoveAll(t => t.IsCompleted);
            connections.Add(EchoAsync(connection, stoppingToken));
        }
        await Task.WhenAll(connections).ConfigureAwait(false);
    }

    private static async Task EchoAsync(Socket connection, CancellationToken stoppingToken)
    {
        using (connection)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                while (true)
                {
                    int n = await connection.ReceiveAsync(buffer, SocketFlags.None, stoppingToken).ConfigureAwait(false);
                    if (n == 0) break;
                    await connection.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, stoppingToken).ConfigureAwait(false);
                }
                connection.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException)
            {
                // The host stops at the drain deadline: what is still open is closed with it.
            }
        }
    }

    [LoggerMessage(200, LogLevel.Information, "Echo on {Listener} ({Address}, protocol {Protocol})")]
    private partial void LogServing(string listener, string address, int protocol);

    [LoggerMessage(201, LogLevel.Warning, "Accept on {Listener} failed: {Reason}")]
    private partial void LogAcceptFailed(string listener, string reason);
}
