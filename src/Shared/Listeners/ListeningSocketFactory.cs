using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using FdHandoff.Unix;

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
    // Every call below returns its errno, read right after the call (Interop/), before any message is built:
    // formatting can load code, and the runtime's own calls on the way overwrite the last P/Invoke error (an
    // EADDRNOTAVAIL once came out as 203).
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

        // Ours alone until released below: nothing else can see this descriptor.
        using var fd = Create(spec);
        if (spec.IsStream) SetOption(fd, spec, SocketOption.ReuseAddress);
        if (spec.Family == AddressFamily.InterNetworkV6) SetOption(fd, spec, SocketOption.IPv6Only);
        BindTo(fd, spec, spec.PrimaryEndPoint);
        foreach (var extra in spec.Addresses.Skip(1)) BindxAdd(fd, spec, extra);
        if (spec.IsStream) Listen(fd, spec);

        // Ownership: from the SafeFd to a SafeSocketHandle, and with it to the Socket the caller gets.
        return new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
    }

    private static Socket BindUnix(ListenerSpec spec, out bool replacedStaleSocket)
    {
        string path = spec.Path!;
        replacedStaleSocket = UnixSocketPath.Clear(spec);
        using var fd = Create(spec);
        int errno = NativeSocket.TryBind(fd, UnixSocketAddress.Parse(path).Sockaddr);
        if (errno != 0) throw AddressFailure(spec, $"bind {path}", errno);
        try
        {
            // Not yet listening: until listen() a connect is refused, so nobody gets in under the umask's mode.
            errno = FileCalls.TrySetMode(path, (uint)spec.Mode);
            if (errno != 0) throw new ListenerSocketException(spec, $"set mode 0{Convert.ToString(spec.Mode, 8)} on {path}", errno);
            if (spec.Group is not null)
            {
                uint gid = uint.TryParse(spec.Group, out uint number) ? number
                    : UnixGroup.Find(spec.Group) ?? throw new ListenerSocketException(spec, $"look up group {spec.Group}", UnixError.NoSuchFile);
                errno = FileCalls.TryChangeGroup(path, gid);
                if (errno != 0) throw new ListenerSocketException(spec, $"give {path} to group {spec.Group}", errno);
            }
            Listen(fd, spec);
        }
        catch
        {
            FileCalls.TryRemove(path); // ours: made by the bind above
            throw;
        }
        // Ownership: from the SafeFd to a SafeSocketHandle, and with it to the Socket the caller gets.
        return new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
    }

    private static void Listen(SafeFd fd, ListenerSpec spec)
    {
        int errno = NativeSocket.TryListen(fd, spec.Backlog);
        if (errno != 0) throw AddressFailure(spec, "listen", errno);
    }

    private static SafeFd Create(ListenerSpec spec)
    {
        var (family, type, protocol) = spec.Transport switch
        {
            ListenerTransport.Unix => (AddressFamily.Unix, SocketType.Stream, 0),
            ListenerTransport.Udp => (IpFamily(spec), SocketType.Dgram, SocketNumbers.UdpProtocol),
            ListenerTransport.Sctp => (IpFamily(spec), SocketType.Stream, SocketNumbers.SctpProtocol),
            ListenerTransport.Mptcp => (IpFamily(spec), SocketType.Stream, SocketNumbers.MptcpProtocol),
            _ => (IpFamily(spec), SocketType.Stream, SocketNumbers.TcpProtocol),
        };
        int errno = NativeSocket.TryOpen(family, type, protocol, out var fd);
        if (errno == 0) return fd!;
        // No MPTCP in the kernel: EPROTONOSUPPORT; MPTCP switched off (net.mptcp.enabled = 0): ENOPROTOOPT.
        if (spec.Transport == ListenerTransport.Mptcp && errno is UnixError.ProtocolNotSupported or UnixError.SocketNotSupported or UnixError.ProtocolOption)
            throw new MptcpUnavailableException(spec, "socket()", errno);
        if (errno is UnixError.ProtocolNotSupported or UnixError.SocketNotSupported) throw new ProtocolUnavailableException(spec, "socket()", errno);
        throw new ListenerSocketException(spec, "socket()", errno);
    }

    private static AddressFamily IpFamily(ListenerSpec spec) =>
        spec.Family == AddressFamily.InterNetworkV6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;

    private static void SetOption(SafeFd fd, ListenerSpec spec, SocketOption option)
    {
        int errno = SocketOptions.TrySet(fd, option, 1);
        if (errno != 0) throw new ListenerSocketException(spec, $"set {option}", errno);
    }

    private static void BindTo(SafeFd fd, ListenerSpec spec, IPEndPoint endpoint)
    {
        int errno = NativeSocket.TryBind(fd, Sockaddr(endpoint));
        if (errno != 0) throw AddressFailure(spec, $"bind {endpoint}", errno);
    }

    // The extra addresses of a multi-homed SCTP listener (sctp_bindx(3)).
    private static void BindxAdd(SafeFd fd, ListenerSpec spec, IPAddress address)
    {
        int errno = SocketOptions.TryAddSctpAddress(fd, Sockaddr(new IPEndPoint(address, spec.Port)));
        if (errno != 0) throw AddressFailure(spec, $"bindx {address}", errno);
    }

    // On Linux a SocketAddress holds the native struct sockaddr_in/sockaddr_in6, family included.
    private static ReadOnlySpan<byte> Sockaddr(IPEndPoint endpoint)
    {
        var address = endpoint.Serialize();
        return address.Buffer.Span[..address.Size];
    }

    private static ListenerSocketException AddressFailure(ListenerSpec spec, string attempted, int errno) => errno switch
    {
        UnixError.AddressAlreadyInUse => new AddressInUseException(spec, attempted, errno),
        UnixError.AddressNotAvailable => new AddressNotAvailableException(spec, attempted, errno),
        UnixError.AccessDenied => new AddressAccessDeniedException(spec, attempted, errno),
        _ => new ListenerSocketException(spec, attempted, errno),
    };
}
