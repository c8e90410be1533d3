using System.Runtime.InteropServices;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// What a descriptor is, read back from the kernel (<see cref="SocketOptions"/>), whether it is CLOEXEC and non-blocking:
/// for checking a descriptor someone passed us, and for tests. The numbers are Linux's (<see cref="SocketNumbers"/>).
/// </summary>
internal static class SocketProbe
{
    /// <summary>SO_PROTOCOL: 6 for TCP, 132 for SCTP (a .NET Socket reports SCTP as Unknown).</summary>
    public static int Protocol(SafeHandle fd) => SocketOptions.Get(fd, SocketOption.Protocol);

    /// <summary>SO_TYPE: 1 for SOCK_STREAM.</summary>
    public static int Type(SafeHandle fd) => SocketOptions.Get(fd, SocketOption.Type);

    /// <summary>SO_DOMAIN: 2 for AF_INET, 10 for AF_INET6.</summary>
    public static int Domain(SafeHandle fd) => SocketOptions.Get(fd, SocketOption.Domain);

    /// <summary>SO_ACCEPTCONN: whether listen() was called on it.</summary>
    public static bool IsListening(SafeHandle fd) => SocketOptions.Get(fd, SocketOption.AcceptsConnections) != 0;

    /// <exception cref="NativeCallException"><paramref name="fd"/> is not open.</exception>
    public static bool IsCloseOnExec(int fd) =>
        Descriptors.CloseOnExec(fd, out int errno) ?? throw new NativeCallException($"read the flags of fd {fd}", errno);

    /// <summary>Whether O_NONBLOCK is set on the open file description <paramref name="fd"/> refers to.</summary>
    /// <exception cref="NativeCallException"><paramref name="fd"/> is not open.</exception>
    public static bool IsNonBlocking(int fd) =>
        Descriptors.NonBlocking(fd, out int errno) ?? throw new NativeCallException($"read the status flags of fd {fd}", errno);
}
