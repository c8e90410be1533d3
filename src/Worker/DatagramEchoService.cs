using System.Net;
using System.Net.Sockets;
using FdHandoff.Client;
using FdHandoff.Listeners;

namespace FdHandoff.Worker;

/// <summary>
/// Echoes every datagram of the <c>udp://</c> listeners back to its sender. During an upgrade both generations
/// read from the one shared socket, each datagram reaching exactly one of them; on drain this worker stops
/// reading (the new generation goes on), and answers what it already took, so no datagram is dropped here.
/// </summary>
public sealed class DatagramEchoService(HandoffClient handoff, ILogger<DatagramEchoService> logger) : BackgroundService
{
    /// <summary>The listeners this service serves: every udp:// one (<see cref="ListenerReport"/> asks too).</summary>
    public static bool Serves(HandedOffListener listener) => listener.Transport == ListenerTransport.Udp;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before the worker reports ready: its Ready names what it serves, and the supervisor warns about the rest.
        foreach (var listener in handoff.Listeners.Values.Where(Serves)) listener.MarkServed();
        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = handoff.Listeners.Values
            .Where(Serves)
            .Select(l => EchoAsync(l, stoppingToken))
            .ToList();
        return Task.WhenAll(loops);
    }

    private async Task EchoAsync(HandedOffListener listener, CancellationToken stoppingToken)
    {
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, handoff.DrainRequested);
        var buffer = new byte[65_536];
        EndPoint anySender = listener.Spec.Family == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        long answered = 0;
        while (true)
        {
            SocketReceiveFromResult received;
            try
            {
                // A cancel only wins while the receive is still waiting: once the kernel gave us a datagram,
                // it completes with it, so stopping here never swallows one.
                received = await listener.Socket.ReceiveFromAsync(buffer, SocketFlags.None, anySender, stopReading.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (SocketException e)
            {
                // An ICMP error of an earlier reply (ECONNREFUSED) is reported on the next receive: not ours to stop for.
                WorkerLog.DatagramFailed(logger, listener.Name, "receive", e.Message);
                continue;
            }
            try
            {
                await listener.Socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint, CancellationToken.None).ConfigureAwait(false);
                answered++;
            }
            catch (SocketException e)
            {
                WorkerLog.DatagramFailed(logger, listener.Name, $"reply to {received.RemoteEndPoint}", e.Message);
            }
        }
        WorkerLog.DatagramEchoStopped(logger, listener.Name, handoff.DrainRequested.IsCancellationRequested ? "drain" : "stop", answered);
    }
}
