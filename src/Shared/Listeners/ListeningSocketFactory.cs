using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using FdHandoff.Unix;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Listeners;

/// <summary>
/// Makes the listening socket a <see cref="ListenerSpec"/> describes: socket(2) through libc (the only
/// way to get SCTP and MPTCP; the other kinds go the same way so all are made alike), CLOEXEC, then per kind:
/// TCP, MPTCP, SCTP: SO_REUSEADDR, IPV6_V6ONLY for v6, bind, bindx for the extra SCTP addresses, listen with
/// the spec's backlog; UDP: IPV6_V6ONLY for v6 and bind (no SO_REUSEADDR: on UDP it would let a second
/// process bind the same port and take datagrams); UNIX: a stale socket file replaced, bind, mode and group
/// set before listen (so nobody connects through looser permissions), listen. A failure is a
/// <see cref="ListenerSocketException"/>, named after the cause where a person can fix it.
/// </summary>
internal static class ListeningSocketFactory
{
    // errno is read right after each call, before any message is built: formatting can load code, and
    // the runtime's own calls on the way overwrite the last P/Invoke error (an EADDRNOTAVAIL came out as 203).
    /// <summary>Creates, binds and listens; the caller owns the returned socket.</summary>
    /// <exception cref="ProtocolUnavailableException">The kernel lacks the spec's protocol (SCTP).</exception>
    /// <exception cref="MptcpUnavailableException">The kernel lacks MPTCP or has it switched off.</exception>
    /// <exception cref="AddressInUseException">Something else listens on the port (or on the unix socket).</exception>
    /// <exception cref="UnixPathOccupiedException">A file that is not a socket is at the unix listener's path.</exception>
    /// <exception cref="AddressNotAvailableException">An address is not one of this host's.</exception>
    /// <exception cref="AddressAccessDeniedException">A port below 1024 without the right to bind it.</exception>
    /// <exception cref="ListenerSocketException">Any other failure, with its errno.</exception>
    internal static Socket Bind(ListenerSpec spec) => Bind(spec, out _);

    /// <inheritdoc cref="Bind(ListenerSpec)"/>
    /// <param name="replacedStaleSocket">A unix listener's path held a socket file nobody listened on; it was removed.</param>
    internal static Socket Bind(ListenerSpec spec, out bool replacedStaleSocket)
    {
        replacedStaleSocket = false;
        if (spec.Transport == ListenerTransport.Unix) return BindUnix(spec, out replacedStaleSocket);

        // Ours alone until released below: nothing else can see this descriptor, so raw calls on it are safe.
        using var fd = Create(spec);
        if (spec.IsStream) SetOption(fd, spec, SOL_SOCKET, SO_REUSEADDR, 1, "set SO_REUSEADDR");
        if (spec.Family == AddressFamily.InterNetworkV6)
            SetOption(fd, spec, IPPROTO_IPV6, IPV6_V6ONLY, 1, "set IPV6_V6ONLY");
        BindTo(fd, spec, spec.PrimaryEndPoint);
        foreach (var extra in spec.Addresses.Skip(1)) BindxAdd(fd, spec, extra);
        if (spec.IsStream) Listen(fd, spec);

        // Ownership: from the SafeFd to a SafeSocketHandle, and with it to the Socket the caller gets.
        return new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
    }

    private static unsafe Socket BindUnix(ListenerSpec spec, out bool replacedStaleSocket)
    {
        string path = spec.Path!;
        replacedStaleSocket = UnixSocketPath.Clear(spec);
        using var fd = Create(spec);
        var address = UnixSocketAddress.Parse(path);
        fixed (byte* p = address.Sockaddr)
        {
            if (bind(fd.Value, p, (uint)address.Sockaddr.Length) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw AddressFailure(spec, $"bind {path}", errno);
            }
        }
        try
        {
            // Not yet listening: until listen() a connect is refused, so nobody gets in under the umask's mode.
            if (chmod(path, (uint)spec.Mode) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new ListenerSocketException(spec, $"set mode 0{Convert.ToString(spec.Mode, 8)} on {path}", errno);
            }
            if (spec.Group is not null)
            {
                uint gid = uint.TryParse(spec.Group, out uint number) ? number
                    : UnixGroup.Find(spec.Group) ?? throw new ListenerSocketException(spec, $"look up group {spec.Group}", ENOENT);
                if (chown(path, uint.MaxValue, gid) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    throw new ListenerSocketException(spec, $"give {path} to group {spec.Group}", errno);
                }
            }
            Listen(fd, spec);
        }
        catch
        {
            unlink(path); // ours: made by the bind above
            throw;
        }
        // Ownership: from the SafeFd to a SafeSocketHandle, and with it to the Socket the caller gets.
        return new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
    }

    private static void Listen(SafeFd fd, ListenerSpec spec)
    {
        if (listen(fd.Value, spec.Backlog) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw AddressFailure(spec, "listen", errno);
        }
    }

    private static SafeFd Create(ListenerSpec spec)
    {
        var (domain, type, protocol) = spec.Transport switch
        {
            ListenerTransport.Unix => (AF_UNIX, SOCK_STREAM, 0),
            ListenerTransport.Udp => (IpDomain(spec), SOCK_DGRAM, IPPROTO_UDP),
            ListenerTransport.Sctp => (IpDomain(spec), SOCK_STREAM, IPPROTO_SCTP),
            ListenerTransport.Mptcp => (IpDomain(spec), SOCK_STREAM, IPPROTO_MPTCP),
            _ => (IpDomain(spec), SOCK_STREAM, IPPROTO_TCP),
        };
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        if (fd >= 0) return new SafeFd(fd);
        int errno = Marshal.GetLastPInvokeError();
        // No MPTCP in the kernel: EPROTONOSUPPORT; MPTCP switched off (net.mptcp.enabled = 0): ENOPROTOOPT.
        if (spec.Transport == ListenerTransport.Mptcp && errno is EPROTONOSUPPORT or ESOCKTNOSUPPORT or ENOPROTOOPT)
            throw new MptcpUnavailableException(spec, "socket()", errno);
        if (errno is EPROTONOSUPPORT or ESOCKTNOSUPPORT) throw new ProtocolUnavailableException(spec, "socket()", errno);
        throw new ListenerSocketException(spec, "socket()", errno);
    }

    private static int IpDomain(ListenerSpec spec) => spec.Family == AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET;

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
