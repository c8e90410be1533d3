using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using FdHandoff.Listeners;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Creates a listening socket for a spec: socket(2) through the interop layer (the only way to get
/// SCTP; TCP goes the same way so both are made alike), CLOEXEC, SO_REUSEADDR, IPV6_V6ONLY for v6,
/// bind, bindx for the extra SCTP addresses, listen with the configured backlog.
/// </summary>
internal static class ListenerBinder
{
    public static BoundListener Bind(ListenerSpec spec)
    {
        var socket = Create(spec);
        try
        {
            SetInt(socket, SOL_SOCKET, SO_REUSEADDR, 1, spec, "set SO_REUSEADDR on");
            if (spec.Family == AddressFamily.InterNetworkV6)
                SetInt(socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, spec, "set IPV6_V6ONLY on");
            try
            {
                socket.Bind(spec.PrimaryEndPoint);
                foreach (var extra in spec.Addresses.Skip(1)) BindxAdd(socket, spec, extra);
                socket.Listen(spec.Backlog);
            }
            catch (SocketException e)
            {
                throw new SupervisorException(BindFailure(spec, e.SocketErrorCode, e.Message), 1, e);
            }
            return new BoundListener(spec, socket, "bound");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static Socket Create(ListenerSpec spec)
    {
        int domain = spec.Family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        int protocol = spec.Transport == ListenerTransport.Sctp ? IPPROTO_SCTP : IPPROTO_TCP;
        int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, protocol);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (spec.Transport == ListenerTransport.Sctp && errno is EPROTONOSUPPORT or 94 /* ESOCKTNOSUPPORT */)
                throw new SctpUnavailableException(spec);
            throw new SupervisorException($"cannot create a socket for listener {spec}: {new NativeCallException("socket()", errno).Message}");
        }
        // Ownership: the raw fd goes to a SafeSocketHandle, and with it to the Socket, from here on.
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    private static unsafe void SetInt(Socket socket, int level, int option, int value, ListenerSpec spec, string attempted)
    {
        if (setsockopt((int)socket.SafeHandle.DangerousGetHandle(), level, option, &value, sizeof(int)) != 0)
            throw NativeCallException.FromLastError($"{attempted} listener {spec}");
    }

    // sctp_bindx(SCTP_BINDX_ADD_ADDR) is setsockopt(IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD) with packed sockaddrs.
    private static unsafe void BindxAdd(Socket socket, ListenerSpec spec, IPAddress address)
    {
        var sockaddr = new IPEndPoint(address, spec.Port).Serialize();
        var buffer = new byte[sockaddr.Size];
        for (int i = 0; i < buffer.Length; i++) buffer[i] = sockaddr[i];
        fixed (byte* p = buffer)
        {
            if (setsockopt((int)socket.SafeHandle.DangerousGetHandle(), IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, p, (uint)buffer.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new SupervisorException(BindFailure(spec, errno == EADDRINUSE ? SocketError.AddressAlreadyInUse : errno == EADDRNOTAVAIL ? SocketError.AddressNotAvailable : SocketError.SocketError,
                    $"bindx {address}: {Marshal.GetPInvokeErrorMessage(errno)}"));
            }
        }
    }

    private static string BindFailure(ListenerSpec spec, SocketError error, string detail) => error switch
    {
        SocketError.AddressAlreadyInUse =>
            $"cannot bind listener {spec}: port {spec.Port} is already in use; stop what holds it (ss -ltnp 'sport = :{spec.Port}') or change Listeners:{spec.Name}",
        SocketError.AddressNotAvailable =>
            $"cannot bind listener {spec}: address not available on this host; use an address of one of its interfaces in Listeners:{spec.Name}",
        SocketError.AccessDenied =>
            $"cannot bind listener {spec}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ => $"cannot bind listener {spec}: {detail}",
    };
}
