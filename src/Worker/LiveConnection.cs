using System.Net.Sockets;
using FdHandoff.Client;

namespace FdHandoff.Worker;

/// <summary>
/// One long-lived connection: reads, answers through its protocol, and when the worker drains hands the
/// connection over at the next boundary (between two reads: everything read is answered or in the state).
/// Reading stops before the hand-over starts, so two processes never read it at once. What cannot be handed
/// over is closed in an orderly way: FIN, then the peer's remaining bytes are read and dropped, never RST.
/// </summary>
public sealed class LiveConnection(Socket socket, string listener, IStreamProtocol protocol, HandoffClient? handoff)
{
    /// <summary>How long an orderly close waits for the peer to close its side before closing anyway.</summary>
    private static readonly TimeSpan PeerCloseWait = TimeSpan.FromSeconds(2);

    /// <summary>How the connection ended.</summary>
    public enum Outcome { PeerClosed, HandedOver, ClosedNoSuccessor, ClosedAtDeadline, Failed }

    /// <summary>Why the last hand-over was refused, for the log.</summary>
    public string Refusal { get; private set; } = "";

    /// <param name="drain">Fires when the worker drains (hand the connection over) or stops (close it).</param>
    /// <param name="hardStop">Fires shortly before the supervisor's deadline: close now, in order.</param>
    public async Task<Outcome> RunAsync(CancellationToken drain, CancellationToken hardStop)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!drain.IsCancellationRequested)
            {
                try
                {
                    // A zero-byte read waits for data without taking any: cancelling it loses nothing.
                    await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, drain).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (drain.IsCancellationRequested)
                {
                    break;
                }
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, hardStop).ConfigureAwait(false);
                if (n == 0)
                {
                    await CloseInOrderAsync(PeerCloseWait, hardStop).ConfigureAwait(false);
                    return Outcome.PeerClosed;
                }
                var answer = protocol.Process(buffer.AsSpan(0, n));
                if (answer.Length > 0) await socket.SendAsync(answer, SocketFlags.None, hardStop).ConfigureAwait(false);
            }
            // At a boundary, reading stopped: the state plus the kernel's queues are the whole connection.
            if (handoff is not null && handoff.DrainRequested.IsCancellationRequested)
            {
                var (taken, reason) = await handoff.HandOverWithReasonAsync(socket, listener, protocol.SaveState(), hardStop).ConfigureAwait(false);
                if (taken) return Outcome.HandedOver;
                Refusal = reason;
            }
            await CloseInOrderAsync(PeerCloseWait, hardStop).ConfigureAwait(false);
            return Outcome.ClosedNoSuccessor;
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
            // The deadline is near: give the peer a moment to close, no more.
            await CloseInOrderAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None).ConfigureAwait(false);
            return Outcome.ClosedAtDeadline;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return Outcome.Failed;
        }
    }

    private async Task CloseInOrderAsync(TimeSpan peerCloseWait, CancellationToken hardStop)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Send);
            // Read what the peer still sends until it closes: closing with unread bytes would send RST.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
            wait.CancelAfter(peerCloseWait);
            var sink = new byte[4096];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, wait.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Dispose();
        }
    }
}
