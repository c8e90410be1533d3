using System.Net.Sockets;

namespace FdHandoff.Client;

/// <summary>
/// An established connection a worker of the previous generation handed over, with the state it left.
/// The receiving worker owns <see cref="Socket"/> (dispose it when done); nobody else reads from it.
/// </summary>
public sealed class HandedOverConnection
{
    internal HandedOverConnection(Socket socket, string listener, ReadOnlyMemory<byte> state)
    {
        Socket = socket;
        Listener = listener;
        State = state;
    }

    /// <summary>The connected socket, TCP or SCTP; the kernel kept its send and receive queues across the hand-over.</summary>
    public Socket Socket { get; }

    /// <summary>The name of the listener the connection was accepted on ("counter").</summary>
    public string Listener { get; }

    /// <summary>What the previous worker passed along: opaque to FdHandoff, at most <see cref="HandoffClient.MaxStateBytes"/>.</summary>
    public ReadOnlyMemory<byte> State { get; }
}
