using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Listeners;

/// <summary>
/// Makes the listening socket a <see cref="ListenerSpec"/> describes: socket(2) through libc (the only
/// way to get SCTP; TCP goes the same way so both are made alike), CLOEXEC, SO_REUSEADDR, IPV6_V6ONLY
/// for v6, bind, bindx for the extra SCTP addresses, listen with the spec's backlog. A failure is a
/// <see cref="ListenerSocketException"/>, named after the cause where a person can fix it.
/// </summary>
internal static class ListeningSocketFactory
{
    // errno is read right after each call, before any message is built: formatting can load code, and
    // the runtime's own calls on the way overwrite the last P/Invoke error (an EADDRNOTAVAIL came out as 203).
    /// <summary>Creates, binds and listens; the caller owns the returned socket.</summary>
    /// <exception cref="ProtocolUnavailableException">The kernel lacks the spec's protocol (SCTP).</exception>
    /// <exception cref="AddressInUseException">Something else listens on the port.</exception>
    /// <exception cref="AddressNotAvailableException">An address is not one of this host's.</exception>
    /// <exception cref="AddressAccessDeniedException">A port below 1024 without the right to bind it.</exception>
    /// <exception cref="ListenerSocketException">Any other failure, with its errno.</exception>
    internal static Socket Bind(ListenerSpec spec)
    {
        // Ours alone until released below: nothing else can see this descriptor, so raw calls on it are safe.
        using var fd = Create(spec);
        SetOption(fd, spec, SOL_SOCKET, SO_REUSEADDR, 1, "set SO_REUSEADDR");
        if (spec.Family == AddressFamily.InterNetworkV6)
            SetOption(fd, spec, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY");
        BindTo(fd, spec, spec.PrimaryEndPoint);
        foreach (var extra in spec.Addresses.Skip(1)) BindxAdd(fd, spec, extra);
        if (listen(fd.Value, spec.Backlog) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw AddressFailure(spec, "listen", errno);
        }

        // Ownership: from the SafeFd to a SafeSocketHandle, and with it to the Socket the caller gets.
        return new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
    }

    private static SafeFd Create(ListenerSpec spec)
    {
        int domain = spec.Family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;
        int protocol = spec.Transport == ListenerTransport.Sctp ? IPPROTO_SCTP : IPPROTO_TCP;
        int fd = socket(domain, SOCK_STREAM | SOCK_CLOEXEC, protocol);
        if (fd >= 0) return new SafeFd(fd);
        int errno = Marshal.GetLastPInvokeError();
        if (errno is EPROTONOSUPPORT or ESOCKTNOSUPPORT) throw new ProtocolUnavailableException(spec, "socket()", errno);
        throw new ListenerSocketException(spec, "socket()", errno);
    }

    private static unsafe void SetOption(SafeFd fd, ListenerSpec spec, int level, int option, int value, string attempted)
    {
        if (setsockopt(fd.Value, level, option, &value, sizeof(int)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new ListenerSocketException(spec, attempted, errno);
        }
    }

    private static unsafe void BindTo(SafeFd fd, ListenerSpec spec, IPEndPoint endpoint)
    {
        ReadOnlySpan<byte> sockaddr = Sockaddr(endpoint);
        fixed (byte* p = sockaddr)
        {
            if (bind(fd.Value, p, (uint)sockaddr.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw AddressFailure(spec, $"bind {endpoint}", errno);
            }
        }
    }

    // sctp_bindx(SCTP_BINDX_ADD_ADDR) is setsockopt(IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD) with packed sockaddrs.
    private static unsafe void BindxAdd(SafeFd fd, ListenerSpec spec, IPAddress address)
    {
        ReadOnlySpan<byte> sockaddr = Sockaddr(new IPEndPoint(address, spec.Port));
        fixed (byte* p = sockaddr)
        {
            if (setsockopt(fd.Value, IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, p, (uint)sockaddr.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw AddressFailure(spec, $"bindx {address}", errno);
            }
        }
    }

    // On Linux a SocketAddress holds the native struct sockaddr_in/sockaddr_in6, family included.
    private static ReadOnlySpan<byte> Sockaddr(IPEndPoint endpoint)
    {
        var address = endpoint.Serialize();
        return address.Buffer.Span[..address.Size];
    }

    private static ListenerSocketException AddressFailure(ListenerSpec spec, string attempted, int errno) => errno switch
    {
        EADDRINUSE => new AddressInUseException(spec, attempted, errno),
        EADDRNOTAVAIL => new AddressNotAvailableException(spec, attempted, errno),
        EACCES => new AddressAccessDeniedException(spec, attempted, errno),
        _ => new ListenerSocketException(spec, attempted, errno),
    };
}
