using System.Runtime.InteropServices;
using FdHandoff.Interop;
using FdHandoff.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// What a crashed server leaves at a unix socket path: the file of a socket nobody listens on any more
/// (connect gives ECONNREFUSED). Made through libc: a .NET Socket that bound a path unlinks it at Dispose.
/// </summary>
public static class StaleSocketFile
{
    public static unsafe void Create(string path)
    {
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) throw NativeCallException.FromLastError("create a unix socket");
        using var owner = new SafeFd(fd);
        var address = UnixSocketAddress.Parse(path);
        fixed (byte* p = address.Sockaddr)
        {
            if (Libc.bind(fd, p, (uint)address.Sockaddr.Length) != 0)
                throw new NativeCallException($"bind {path}", Marshal.GetLastPInvokeError());
        }
    }
}
