using System.Net.Sockets;
using FdHandoff.Client;
using FdHandoff.Worker;

namespace FdHandoff.Tests.FaultWorker;

/// <summary>
/// The handing side's fault: serves the line counter on <c>counter*</c>; on drain hands exactly one connection
/// over, says so, and hangs with the others until the test kills it in the middle of its hand-over.
/// </summary>
public sealed class HandOverOneThenHang(HandoffClient handoff, ILogger<HandOverOneThenHang> logger) : BackgroundService
{
    private readonly List<(Socket Socket, CounterProtocol Counter, Task Reading)> _connections = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = handoff.Listeners.Values.First(l => l.Name.StartsWith("counter", StringComparison.Ordinal));
        var drain = handoff.DrainRequested;
        while (!drain.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.Socket.AcceptAsync(drain); }
            catch (OperationCanceledException) { break; }
            var counter = new CounterProtocol();
            lock (_connections) _connections.Add((socket, counter, ServeAsync(socket, counter, drain)));
        }
        (Socket Socket, CounterProtocol Counter, Task Reading)[] all;
        lock (_connections) all = _connections.ToArray();
        foreach (var c in all) await c.Reading;
        bool taken = await handoff.HandOverAsync(all[0].Socket, listener.Name, all[0].Counter.SaveState());
        FaultLog.HandedOverOne(logger, Environment.ProcessId, taken, all.Length);
        await Task.Delay(Timeout.Infinite, CancellationToken.None);
    }

    private static async Task ServeAsync(Socket socket, CounterProtocol counter, CancellationToken drain)
    {
        var buffer = new byte[4096];
        while (true)
        {
            try { await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, drain); }
            catch (OperationCanceledException) { return; }
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0) return;
            await socket.SendAsync(counter.Process(buffer.AsSpan(0, n)), SocketFlags.None);
        }
    }
}
