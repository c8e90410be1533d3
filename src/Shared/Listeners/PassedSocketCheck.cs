using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Sockets;

namespace FdHandoff.Listeners;

/// <summary>
/// Takes a descriptor systemd passed (a .socket unit's, or one stored in the fd store) as the socket of a
/// <see cref="ListenerSpec"/>, after checking it is what the spec says: its type (a listening stream socket,
/// or a datagram socket for udp), family, protocol (TCP, MPTCP, SCTP, UDP) and address (IP and port, or the
/// unix path). A mismatch is refused, not served.
/// </summary>
internal static class PassedSocketCheck
{
    /// <summary>
    /// Checks <paramref name="fd"/> against <paramref name="spec"/> and, when it matches, hands the
    /// descriptor to the returned Socket (the caller owns that). On a mismatch found before the hand-over
    /// the caller still owns <paramref name="fd"/>; after it, the descriptor is closed here.
    /// </summary>
    /// <exception cref="PassedSocketMismatchException">It is not what the spec says.</exception>
    internal static Socket Adopt(ListenerSpec spec, SafeFd fd)
    {
        int expectedType = SocketNumbers.Of(spec.IsStream ? SocketType.Stream : SocketType.Dgram);
        int expectedDomain = SocketNumbers.Of(spec.Transport == ListenerTransport.Unix ? AddressFamily.Unix
            : spec.Family == AddressFamily.InterNetworkV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        int expectedProtocol = spec.Transport switch
        {
            ListenerTransport.Sctp => SocketNumbers.SctpProtocol,
            ListenerTransport.Mptcp => SocketNumbers.MptcpProtocol,
            ListenerTransport.Udp => SocketNumbers.UdpProtocol,
            ListenerTransport.Unix => 0,
            _ => SocketNumbers.TcpProtocol,
        };

        int type = SocketProbe.Type(fd);
        if (type != expectedType)
        {
            throw Mismatch(spec.IsStream
                ? $"is not a stream socket (SO_TYPE {type})"
                : $"is not a datagram socket (SO_TYPE {type}; ListenDatagram= expected for listener {spec})");
        }
        int domain = SocketProbe.Domain(fd);
        if (domain != expectedDomain) throw Mismatch($"is {FamilyName(domain)}, listener {spec} is {FamilyName(expectedDomain)}");
        int protocol = SocketProbe.Protocol(fd);
        if (protocol != expectedProtocol)
        {
            string hint = spec.Transport == ListenerTransport.Mptcp ? " (SocketProtocol=mptcp in the .socket unit; a systemd without it: no unit, fdhandoff binds it)" : "";
            throw Mismatch($"is protocol {protocol}, listener {spec} needs {expectedProtocol}{hint}");
        }
        if (spec.IsStream && !SocketProbe.IsListening(fd)) throw Mismatch("is not listening (ListenStream= expected)");

        int number = fd.Value;
        // systemd clears O_NONBLOCK on every socket it passes, at every start of the service (NonBlocking=no, the
        // default), and the flag belongs to the open file description: the workers a crashed supervisor left behind
        // hold the same one. Their .NET accept, non-blocking since its first use, would then wait in accept4() where
        // no cancellation reaches it (a drain that never stops accepting, a stop held to its deadline). Set it again
        // before anyone accepts; the shipped units also say NonBlocking=yes.
        int errno = Descriptors.TrySetNonBlocking(number);
        if (errno != 0) throw new NativeCallException($"set O_NONBLOCK on fd {number}", errno);
        // Ownership: the SafeFd gives the descriptor up to a SafeSocketHandle, owned by the Socket from here on.
        var socket = new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
        try
        {
            if (spec.Transport == ListenerTransport.Unix)
            {
                string? local = (socket.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
                if (local != spec.Path)
                    throw new PassedSocketMismatchException(number, $"is bound to {(string.IsNullOrEmpty(local) ? "no path" : local)}, listener {spec} wants {spec.Path}");
                return socket;
            }
            var endpoint = (IPEndPoint)socket.LocalEndPoint!;
            var wanted = spec.PrimaryEndPoint;
            if (endpoint.Port != wanted.Port || !endpoint.Address.Equals(wanted.Address))
                throw new PassedSocketMismatchException(number, $"is bound to {endpoint}, listener {spec} wants {wanted}");
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        PassedSocketMismatchException Mismatch(string reason) => new(fd.Value, reason);
    }

    private static string FamilyName(int domain) => SocketNumbers.FamilyOf(domain) switch
    {
        AddressFamily.InterNetworkV6 => "IPv6",
        AddressFamily.InterNetwork => "IPv4",
        AddressFamily.Unix => "AF_UNIX",
        _ => $"family {domain}",
    };
}
