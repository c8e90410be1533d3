using System.Net.Sockets;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// Linux's numbers for socket families, types and protocols under .NET names: what socket(2) takes and what
/// SO_DOMAIN, SO_TYPE and SO_PROTOCOL read back. .NET's own enums do not fit: <see cref="AddressFamily"/> numbers
/// IPv6 23 (Linux: 10), and <see cref="ProtocolType"/> has no SCTP or MPTCP.
/// </summary>
internal static class SocketNumbers
{
    /// <summary>IPPROTO_TCP (tcp(7)).</summary>
    internal const int TcpProtocol = IPPROTO_TCP;

    /// <summary>IPPROTO_UDP (udp(7)).</summary>
    internal const int UdpProtocol = IPPROTO_UDP;

    /// <summary>IPPROTO_SCTP (sctp(7)).</summary>
    internal const int SctpProtocol = IPPROTO_SCTP;

    /// <summary>IPPROTO_MPTCP (mptcp(7), Linux 5.6).</summary>
    internal const int MptcpProtocol = IPPROTO_MPTCP;

    /// <summary>The domain socket(2) takes for <paramref name="family"/> (AF_UNIX, AF_INET, AF_INET6).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A family this daemon never makes.</exception>
    internal static int Of(AddressFamily family) => family switch
    {
        AddressFamily.Unix => AF_UNIX,
        AddressFamily.InterNetwork => AF_INET,
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "not a family of this daemon's sockets"),
    };

    /// <summary>The type socket(2) takes for <paramref name="type"/> (SOCK_STREAM, SOCK_DGRAM).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A type this daemon never makes natively.</exception>
    internal static int Of(SocketType type) => type switch
    {
        SocketType.Stream => SOCK_STREAM,
        SocketType.Dgram => SOCK_DGRAM,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a type of this daemon's native sockets"),
    };

    /// <summary>The family a domain number (SO_DOMAIN) names; <see cref="AddressFamily.Unknown"/> for any other.</summary>
    internal static AddressFamily FamilyOf(int domain) => domain switch
    {
        AF_UNIX => AddressFamily.Unix,
        AF_INET => AddressFamily.InterNetwork,
        AF_INET6 => AddressFamily.InterNetworkV6,
        _ => AddressFamily.Unknown,
    };
}
