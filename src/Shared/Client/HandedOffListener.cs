using System.Net.Sockets;
using FdHandoff.Listeners;
using FdHandoff.Sockets;

namespace FdHandoff.Client;

/// <summary>
/// A listening socket received from the supervisor. The <see cref="HandoffClient"/> owns the socket and
/// closes it when disposed; the supervisor keeps its own copy, so closing here never stops the listener.
/// Accept on it asynchronously only: a blocking accept pending at close can shut it down for every process.
/// </summary>
public sealed class HandedOffListener
{
    internal HandedOffListener(ListenerSpec spec, Socket socket)
    {
        Spec = spec;
        Socket = socket;
    }

    public string Name => Spec.Name;
    public ListenerSpec Spec { get; }

    /// <summary>
    /// What the socket speaks, which says how to serve it: accept on the stream kinds (Tcp, Mptcp, Sctp, Unix),
    /// receive datagrams on Udp (every holder reads the one socket; nothing to accept).
    /// </summary>
    public ListenerTransport Transport => Spec.Transport;

    /// <summary>The listening socket; owned by the client.</summary>
    public Socket Socket { get; }

    /// <summary>The raw descriptor, for APIs that take one (Kestrel's ListenHandle); still owned by the client.</summary>
    public ulong Handle => (ulong)Socket.Handle.ToInt64();

    /// <summary>SO_PROTOCOL of the descriptor, read back from the kernel: 6 for TCP, 262 for MPTCP, 132 for SCTP, 17 for UDP, 0 for a unix socket.</summary>
    public int Protocol => SocketProbe.Protocol(Socket.SafeHandle);

    /// <summary>
    /// Set by <see cref="MarkServed"/>: the application accepts on this listener. The Ready message names the
    /// served listeners, so the supervisor can warn about one no worker serves (its connections would wait).
    /// </summary>
    public bool Served { get; private set; }

    /// <summary>Says the application serves this listener; call it before <see cref="HandoffClient.ReportReady"/>.</summary>
    public void MarkServed() => Served = true;

    public override string ToString() => Spec.ToString();
}
