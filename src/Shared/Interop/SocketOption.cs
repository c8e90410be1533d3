using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// An integer socket option under a .NET name: the level and number getsockopt(2) and setsockopt(2) take, and
/// its C name, which is what <see cref="ToString"/> gives for messages ("set SO_REUSEADDR").
/// </summary>
internal readonly struct SocketOption
{
    private readonly string _name;

    private SocketOption(int level, int number, string name)
    {
        Level = level;
        Number = number;
        _name = name;
    }

    /// <summary>SO_TYPE (socket(7)): stream, datagram... as <see cref="SocketNumbers"/> numbers them.</summary>
    public static SocketOption Type { get; } = new(SOL_SOCKET, SO_TYPE, "SO_TYPE");

    /// <summary>SO_DOMAIN (socket(7)): the address family.</summary>
    public static SocketOption Domain { get; } = new(SOL_SOCKET, SO_DOMAIN, "SO_DOMAIN");

    /// <summary>SO_PROTOCOL (socket(7)): 6 for TCP, 132 for SCTP, 262 for MPTCP.</summary>
    public static SocketOption Protocol { get; } = new(SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL");

    /// <summary>SO_ACCEPTCONN (socket(7)): non-zero once listen() was called.</summary>
    public static SocketOption AcceptsConnections { get; } = new(SOL_SOCKET, SO_ACCEPTCONN, "SO_ACCEPTCONN");

    /// <summary>SO_REUSEADDR (socket(7)): bind a port whose old connections linger in TIME_WAIT.</summary>
    public static SocketOption ReuseAddress { get; } = new(SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR");

    /// <summary>SO_PASSCRED (unix(7)): each received datagram carries its sender's credentials.</summary>
    public static SocketOption PassCredentials { get; } = new(SOL_SOCKET, SO_PASSCRED, "SO_PASSCRED");

    /// <summary>IPV6_V6ONLY (ipv6(7)): an IPv6 socket that does not take IPv4 too.</summary>
    public static SocketOption IPv6Only { get; } = new(IPPROTO_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY");

    /// <summary>The level argument (SOL_SOCKET, IPPROTO_IPV6).</summary>
    internal int Level { get; }

    /// <summary>The option's number at that level.</summary>
    internal int Number { get; }

    public override string ToString() => _name;
}
