using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// The errno values (errno(3)) code above the interop layer tells apart, under .NET names (those of
/// <see cref="System.Net.Sockets.SocketError"/> where it has one). Any other errno is only carried into an
/// exception and printed.
/// </summary>
internal static class UnixError
{
    /// <summary>ECHILD: not a child of this process (waitid): its exit is not ours to reap.</summary>
    internal const int NotAChild = ECHILD;

    /// <summary>ENOENT: no such file or directory.</summary>
    internal const int NoSuchFile = ENOENT;

    /// <summary>ENOTDIR: a component of the path is not a directory.</summary>
    internal const int NotADirectory = ENOTDIR;

    /// <summary>EEXIST: the file exists.</summary>
    internal const int FileExists = EEXIST;

    /// <summary>EACCES: permission denied.</summary>
    internal const int AccessDenied = EACCES;

    /// <summary>ENOEXEC (execve(2)): not an executable format the kernel knows.</summary>
    internal const int BadExecutableFormat = ENOEXEC;

    /// <summary>EADDRINUSE: something else is bound there.</summary>
    internal const int AddressAlreadyInUse = EADDRINUSE;

    /// <summary>EADDRNOTAVAIL: not an address of this host.</summary>
    internal const int AddressNotAvailable = EADDRNOTAVAIL;

    /// <summary>EPROTONOSUPPORT: the kernel lacks the protocol.</summary>
    internal const int ProtocolNotSupported = EPROTONOSUPPORT;

    /// <summary>ESOCKTNOSUPPORT: what some kernels answer for a protocol they lack.</summary>
    internal const int SocketNotSupported = ESOCKTNOSUPPORT;

    /// <summary>ENOPROTOOPT: what socket(IPPROTO_MPTCP) answers when net.mptcp.enabled = 0.</summary>
    internal const int ProtocolOption = ENOPROTOOPT;

    /// <summary>EMSGSIZE: the datagram is larger than the socket's send buffer allows.</summary>
    internal const int MessageSize = EMSGSIZE;

    /// <summary>ENOBUFS: the kernel could not get memory for the datagram.</summary>
    internal const int NoBufferSpaceAvailable = ENOBUFS;

    /// <summary>ECONNREFUSED: nobody receives at that address.</summary>
    internal const int ConnectionRefused = ECONNREFUSED;
}
