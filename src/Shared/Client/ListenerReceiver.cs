using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Listeners;
using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// The worker's side of the listener hand-off: the Listeners batches that answer its Hello, each descriptor
/// wrapped as a <see cref="Socket"/> under its name. A refusal or a malformed batch throws; what arrived
/// so far is in <c>listeners</c>, for the caller to close.
/// </summary>
internal static class ListenerReceiver
{
    public static void Receive(ControlChannel channel, Dictionary<string, HandedOffListener> listeners, TimeSpan timeout) =>
        ReceiveEach(channel, timeout, (entry, fd) =>
        {
            // Parsed first: if the entry is malformed, the descriptor is still the SafeFd's, which ReceiveEach closes.
            var spec = ListenerSpec.Parse(entry.Name, entry.Address);
            // Ownership: SafeFd → SafeSocketHandle → Socket, owned by this client from here on.
            var socket = new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
            if (!listeners.TryAdd(entry.Name, new HandedOffListener(spec, socket)))
            {
                socket.Dispose();
                throw new ProtocolException($"listener '{entry.Name}' was handed over twice");
            }
        });

    /// <summary>
    /// Receives every batch and gives each listener, in the order sent, to <paramref name="take"/>, which owns
    /// the descriptor from then on (the launcher keeps them as they are, to place them at 3..).
    /// </summary>
    internal static void ReceiveEach(ControlChannel channel, TimeSpan timeout, Action<ListenerEntry, SafeFd> take)
    {
        int received = 0;
        while (true)
        {
            using var frame = channel.Receive(timeout)
                ?? throw new HandoffException("the supervisor closed the control connection before handing over the listeners (wrong token, or not spawned by it?)");
            if (frame.Kind == MessageKind.Error)
                throw new HandoffException($"the supervisor refused this worker: {frame.Read<ErrorMessage>().Reason}");
            var batch = frame.Read<ListenersMessage>();
            if (batch.Listeners.Count != frame.DescriptorCount)
                throw new ProtocolException($"listener batch {batch.Batch} names {batch.Listeners.Count} listeners but carries {frame.DescriptorCount} descriptors");
            var fds = frame.TakeDescriptors();
            for (int i = 0; i < fds.Length; i++)
            {
                try
                {
                    take(batch.Listeners[i], fds[i]);
                    received++;
                }
                catch
                {
                    for (int j = i; j < fds.Length; j++) fds[j].Dispose();
                    throw;
                }
            }
            if (batch.Last)
            {
                if (received != batch.Total)
                    throw new ProtocolException($"the supervisor announced {batch.Total} listeners, {received} arrived");
                return;
            }
        }
    }
}
