using System.Net;
using System.Net.Sockets;
using FdHandoff.Client;

namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// A worker of the serving generation that is not draining tries to hand a connection over (as a compromised
/// or buggy worker might): it connects to its own counter listener, takes that connection and hands it over.
/// The supervisor must refuse; the worker says what it heard and keeps serving the connection it kept.
/// </summary>
public sealed class HandOverWhileServing(HandoffClient handoff, ILogger<HandOverWhileServing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Once it serves: its Ready has reached the supervisor before the hand-over below (one ordered channel).
        await handoff.ReadyReported.WaitAsync(stoppingToken);
        var listener = handoff.Listeners.Values.First(l => l.Name.StartsWith("counter", StringComparison.Ordinal));
        // A connection of its own making, from a private listener: the shared one's accept loop (LiveConnectionService)
        // would race this one for a connection made to it. What the supervisor refuses is the generation, not the socket.
        using var own = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        own.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        own.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync((IPEndPoint)own.LocalEndPoint!, stoppingToken);
        using var accepted = await own.AcceptAsync(stoppingToken);
        var (taken, reason) = await handoff.HandOverWithReasonAsync(accepted, listener.Name, new byte[8], stoppingToken);
        FaultLog.HandOverAnswered(logger, Environment.ProcessId, taken, reason);
    }
}
