using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Client sockets that speak MPTCP: .NET refuses <c>(ProtocolType)262</c> without asking the kernel, so the
/// descriptor comes from libc and is wrapped, as the supervisor does for its listeners.
/// </summary>
public static class MptcpClient
{
    public static Func<Socket> For(AddressFamily family) => () =>
    {
        int fd = Libc.socket(family == AddressFamily.InterNetworkV6 ? Libc.AF_INET6 : Libc.AF_INET, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, Libc.IPPROTO_MPTCP);
        if (fd < 0) throw NativeCallException.FromLastError("create an MPTCP client socket");
        // Ownership: the Socket owns the descriptor from here on.
        return new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { NoDelay = true };
    };
}
