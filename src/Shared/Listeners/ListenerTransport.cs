namespace FdHandoff.Listeners;

/// <summary>
/// What a listener speaks. Tcp, Mptcp and Sctp are IP stream sockets (one-to-one style for SCTP), Udp an IP
/// datagram socket, Unix an AF_UNIX stream socket on a filesystem path.
/// </summary>
public enum ListenerTransport
{
    Tcp,
    Sctp,

    /// <summary>IP datagrams: no listen(), no accept; every holder reads from the one socket.</summary>
    Udp,

    /// <summary>AF_UNIX SOCK_STREAM on a path (<see cref="ListenerSpec.Path"/>).</summary>
    Unix,

    /// <summary>Multipath TCP (IPPROTO_MPTCP): a TCP stream to the application; needs net.mptcp.enabled=1.</summary>
    Mptcp,
}
