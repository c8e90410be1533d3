using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Listeners;

/// <summary>
/// Takes a descriptor systemd passed (a .socket unit's, or one stored in the fd store) as the listening
/// socket of a <see cref="ListenerSpec"/>, after checking it is what the spec says: a listening stream
/// socket of the spec's protocol, family, address and port. A mismatch is refused, not served.
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
        int expectedProtocol = spec.Transport == ListenerTransport.Sctp ? IPPROTO_SCTP : IPPROTO_TCP;
        int expectedDomain = spec.Family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;

        int type = SocketProbe.Type(fd);
        if (type != SOCK_STREAM) throw Mismatch($"is not a stream socket (SO_TYPE {type})");
        int domain = SocketProbe.Domain(fd);
        if (domain != expectedDomain) throw Mismatch($"is {FamilyName(domain)}, listener {spec} is {FamilyName(expectedDomain)}");
        int protocol = SocketProbe.Protocol(fd);
        if (protocol != expectedProtocol) throw Mismatch($"is protocol {protocol}, listener {spec} needs {expectedProtocol}");
        if (!SocketProbe.IsListening(fd)) throw Mismatch("is not listening (ListenStream= expected)");

        int number = fd.Value;
        // Ownership: the SafeFd gives the descriptor up to a SafeSocketHandle, owned by the Socket from here on.
        var socket = new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
        try
        {
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var wanted = spec.PrimaryEndPoint;
            if (local.Port != wanted.Port || !local.Address.Equals(wanted.Address))
                throw new PassedSocketMismatchException(number, $"is bound to {local}, listener {spec} wants {wanted}");
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        PassedSocketMismatchException Mismatch(string reason) => new(fd.Value, reason);
    }

    private static string FamilyName(int domain) => domain switch
    {
        AF_INET6 => "IPv6",
        AF_INET => "IPv4",
        _ => $"family {domain}",
    };
}
