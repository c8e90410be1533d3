using System.Net;
using System.Net.Sockets;
using FdHandoff.Listeners;
using FdHandoff.Sockets;
using FdHandoff.Systemd;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Takes a descriptor systemd passed (a .socket unit's, or one we stored in the fd store) as the
/// listener of the same name, after checking it is what the configuration says: a listening stream
/// socket of the right protocol, family, address and port. A mismatch is one clear line, not a
/// listener that silently serves the wrong thing.
/// </summary>
internal static class ListenerAdopter
{
    public static BoundListener Adopt(ListenerSpec spec, ActivatedFd passed)
    {
        string what = $"systemd passed fd {passed.Fd.Value} named '{passed.Name}'";
        string fix = $"make FileDescriptorName={spec.Name} in the .socket unit and Listeners:{spec.Name} = {spec.Address} agree";
        int expectedProtocol = spec.Transport == ListenerTransport.Sctp ? IPPROTO_SCTP : IPPROTO_TCP;
        int expectedDomain = spec.Family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;

        int type = SocketProbe.Type(passed.Fd);
        if (type != SOCK_STREAM) throw Mismatch($"{what} is not a stream socket (SO_TYPE {type})");
        int domain = SocketProbe.Domain(passed.Fd);
        if (domain != expectedDomain) throw Mismatch($"{what} is {(domain == AF_INET6 ? "IPv6" : domain == AF_INET ? "IPv4" : $"family {domain}")}, listener {spec} is {(expectedDomain == AF_INET6 ? "IPv6" : "IPv4")}");
        int protocol = SocketProbe.Protocol(passed.Fd);
        if (protocol != expectedProtocol) throw Mismatch($"{what} is protocol {protocol}, listener {spec} needs {expectedProtocol}");
        if (!SocketProbe.IsListening(passed.Fd)) throw Mismatch($"{what} is not listening (ListenStream= expected)");

        // Ownership: the SafeFd gives the descriptor up to a SafeSocketHandle, owned by the Socket from here on.
        var socket = new Socket(new SafeSocketHandle(passed.Fd.Release(), ownsHandle: true));
        try
        {
            var local = (IPEndPoint)socket.LocalEndPoint!;
            var wanted = spec.PrimaryEndPoint;
            if (local.Port != wanted.Port || !local.Address.Equals(wanted.Address))
                throw Mismatch($"{what} is bound to {Format(local)}, listener {spec} wants {Format(wanted)}");
            return new BoundListener(spec, socket, "systemd");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        SupervisorException Mismatch(string why) => new($"{why}: {fix}", SupervisorException.ConfigurationError);
    }

    private static string Format(IPEndPoint endpoint) =>
        endpoint.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : endpoint.ToString();
}
