using System.Diagnostics;
using System.Net.Sockets;
using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// A worker whose supervisor vanished (killed, crashed) looks for the next one at the same control socket path and
/// asks to be adopted: a <see cref="ReattachMessage"/> with its token and its listeners, answered by
/// <see cref="ReattachedMessage"/>. Meanwhile the worker serves on: its listeners and connections are its own.
/// A supervisor that answers with an error refused it for good (not the one that knew it, or a wrong token): the
/// worker drains. Ownership: the listeners are lent for each send (the adopter receives copies); the channel
/// returned is the caller's.
/// </summary>
internal static class Reattachment
{
    /// <summary>How often the control socket is tried: a supervisor restarted by systemd binds it within ~100 ms.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one supervisor has to answer a Reattach (it may be checking other workers first).</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(3);

    /// <summary>The adopter's channel and pid; or null with why not (refused, or nobody within <paramref name="within"/>).</summary>
    public static async Task<(ControlChannel? Channel, int SupervisorPid, string Why)> TryAsync(
        string path, Func<ReattachMessage> describe, IReadOnlyList<Socket> listeners, TimeSpan within, CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        string last = "no supervisor at " + path;
        while (clock.Elapsed < within && !stopping.IsCancellationRequested)
        {
            ControlChannel? channel = null;
            try
            {
                channel = ControlChannel.Connect(path);
                // Described at each try: the state, the pending hand-overs and the held sockets are those of now.
                Send(channel, describe(), listeners);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                timeout.CancelAfter(AnswerWithin);
                using var answer = await channel.ReceiveAsync(timeout.Token).ConfigureAwait(false);
                if (answer?.Kind == MessageKind.Reattached)
                {
                    int pid = answer.Read<ReattachedMessage>().SupervisorPid;
                    var adopter = channel;
                    channel = null;
                    return (adopter, pid, "");
                }
                if (answer?.Kind == MessageKind.Error) return (null, 0, answer.Read<ErrorMessage>().Reason);
                last = answer is null ? "the supervisor closed the connection without an answer" : $"unexpected answer {answer.Kind}";
            }
            catch (ControlSocketUnreachableException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                last = $"no answer to the reattach within {AnswerWithin.TotalSeconds:0} s";
            }
            catch (Exception e) when (e is IOException or SocketException or ProtocolException or OperationCanceledException)
            {
                last = e.Message;
            }
            finally
            {
                channel?.Dispose();
            }
            try
            {
                await Task.Delay(RetryEvery, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return (null, 0, $"not adopted within {within.TotalSeconds:0.#} s ({last})");
    }

    /// <summary>The message with one descriptor per listener, in the order of <see cref="ReattachMessage.Listeners"/>.</summary>
    private static void Send(ControlChannel channel, ReattachMessage message, IReadOnlyList<Socket> listeners)
    {
        var added = new bool[listeners.Count];
        var fds = new int[listeners.Count];
        try
        {
            for (int i = 0; i < listeners.Count; i++)
            {
                // Lent, as a DescriptorLease lends one: no Dispose elsewhere closes it during the send.
                listeners[i].SafeHandle.DangerousAddRef(ref added[i]);
                fds[i] = (int)listeners[i].SafeHandle.DangerousGetHandle();
            }
            channel.Send(message, fds);
        }
        finally
        {
            for (int i = 0; i < listeners.Count; i++)
                if (added[i]) listeners[i].SafeHandle.DangerousRelease();
        }
    }
}
