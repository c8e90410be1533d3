using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Reads what a descriptor is (getsockopt) and whether it is CLOEXEC (fcntl).</summary>
internal static class SocketProbe
{
    /// <summary>SO_PROTOCOL: 6 for TCP, 132 for SCTP (a .NET Socket reports SCTP as Unknown).</summary>
    public static int Protocol(SafeHandle fd) => GetIntOption(fd, SO_PROTOCOL, "read SO_PROTOCOL");

    /// <summary>SO_TYPE: 1 for SOCK_STREAM.</summary>
    public static int Type(SafeHandle fd) => GetIntOption(fd, SO_TYPE, "read SO_TYPE");

    /// <summary>SO_DOMAIN: 2 for AF_INET, 10 for AF_INET6.</summary>
    public static int Domain(SafeHandle fd) => GetIntOption(fd, SO_DOMAIN, "read SO_DOMAIN");

    /// <summary>SO_ACCEPTCONN: whether listen() was called on it.</summary>
    public static bool IsListening(SafeHandle fd) => GetIntOption(fd, SO_ACCEPTCONN, "read SO_ACCEPTCONN") != 0;

    public static bool IsCloseOnExec(int fd)
    {
        int flags = fcntl(fd, F_GETFD, 0);
        if (flags < 0) throw NativeCallException.FromLastError($"read the flags of fd {fd}");
        return (flags & FD_CLOEXEC) != 0;
    }

    private static unsafe int GetIntOption(SafeHandle fd, int option, string attempted)
    {
        using var lease = new DescriptorLease(fd);
        int value = 0;
        uint length = sizeof(int);
        if (getsockopt(lease.Fd, SOL_SOCKET, option, &value, ref length) != 0)
            throw NativeCallException.FromLastError(attempted);
        return value;
    }
}
