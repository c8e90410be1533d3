using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// getsockopt(2) and setsockopt(2) under .NET names: the integer options of <see cref="SocketOption"/>, and the
/// few whose value is a struct or an array. A setter returns 0 or the errno, read right after the call, for the
/// caller to turn into its own exception; a getter throws <see cref="NativeCallException"/>.
/// </summary>
internal static unsafe class SocketOptions
{
    /// <summary>The value of <paramref name="option"/>.</summary>
    /// <exception cref="NativeCallException">Not a socket, or an option it does not have.</exception>
    internal static int Get(SafeHandle socket, SocketOption option)
    {
        using var lease = new DescriptorLease(socket);
        int value = 0;
        uint length = sizeof(int);
        if (getsockopt(lease.Fd, option.Level, option.Number, &value, ref length) == 0) return value;
        int errno = Marshal.GetLastPInvokeError();
        throw new NativeCallException($"read {option}", errno);
    }

    /// <summary>Sets <paramref name="option"/> to <paramref name="value"/>; 0, or the errno.</summary>
    internal static int TrySet(SafeHandle socket, SocketOption option, int value)
    {
        using var lease = new DescriptorLease(socket);
        return setsockopt(lease.Fd, option.Level, option.Number, &value, sizeof(int)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Who is on the other end of a connected AF_UNIX socket, as the kernel saw it at connect() (SO_PEERCRED).</summary>
    /// <exception cref="NativeCallException">Not a connected unix socket.</exception>
    internal static (int Pid, uint Uid, uint Gid) PeerCredentials(SafeHandle socket, string attempted)
    {
        using var lease = new DescriptorLease(socket);
        ucred cred;
        uint length = (uint)sizeof(ucred);
        if (getsockopt(lease.Fd, SOL_SOCKET, SO_PEERCRED, &cred, ref length) != 0)
            throw NativeCallException.FromLastError(attempted);
        return (cred.pid, cred.uid, cred.gid);
    }

    /// <summary>The peer's supplementary groups as the kernel recorded them at connect() (SO_PEERGROUPS, Linux 4.13).</summary>
    /// <exception cref="NativeCallException">Not a connected unix socket, or a kernel without SO_PEERGROUPS.</exception>
    internal static uint[] PeerGroups(SafeHandle socket, string attempted)
    {
        using var lease = new DescriptorLease(socket);
        // NGROUPS_MAX is 65536; ask with a small buffer first, the kernel says how much it needs (ERANGE).
        uint count = 64;
        while (true)
        {
            var groups = new uint[count];
            uint length = count * sizeof(uint);
            fixed (uint* buffer = groups)
            {
                if (getsockopt(lease.Fd, SOL_SOCKET, SO_PEERGROUPS, buffer, ref length) == 0)
                    return groups[..(int)(length / sizeof(uint))];
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != ERANGE || length / sizeof(uint) <= count)
                throw new NativeCallException(attempted, errno);
            count = length / sizeof(uint);
        }
    }

    /// <summary>
    /// How long a blocking send may wait for room (SO_SNDTIMEO, a struct timeval); at least a microsecond, since
    /// 0 would mean for ever. 0, or the errno.
    /// </summary>
    internal static int TrySetSendTimeout(SafeHandle socket, TimeSpan timeout)
    {
        long micros = Math.Max(1, (long)(timeout.Ticks / TimeSpan.TicksPerMicrosecond));
        var value = new timeval { tv_sec = micros / 1_000_000, tv_usec = micros % 1_000_000 };
        using var lease = new DescriptorLease(socket);
        return setsockopt(lease.Fd, SOL_SOCKET, SO_SNDTIMEO, &value, (uint)sizeof(timeval)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Binds an SCTP socket to one more address (<paramref name="sockaddr"/>, encoded): what sctp_bindx(3) does with
    /// SCTP_BINDX_ADD_ADDR, a setsockopt(IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD) with packed sockaddrs. 0, or the errno.
    /// </summary>
    internal static int TryAddSctpAddress(SafeHandle socket, ReadOnlySpan<byte> sockaddr)
    {
        using var lease = new DescriptorLease(socket);
        fixed (byte* p = sockaddr)
            return setsockopt(lease.Fd, IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, p, (uint)sockaddr.Length) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }
}
