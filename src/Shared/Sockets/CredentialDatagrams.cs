using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// A bound AF_UNIX SOCK_DGRAM socket that learns who sent each datagram (SO_PASSCRED, SCM_CREDENTIALS):
/// what systemd's notify socket is, and how it attributes READY=1 to a pid. The kernel fills in the
/// credentials of the sending process; a sender cannot claim another pid without CAP_SYS_ADMIN.
/// </summary>
internal static class CredentialDatagrams
{
    // Room for some SCM_RIGHTS beside the credentials, to be closed at once; the kernel closes any beyond (MSG_CTRUNC).
    private const int DescriptorRoom = 16;

    /// <summary>Binds a datagram socket at <paramref name="path"/> (replacing a stale file) with SO_PASSCRED on.
    /// The caller owns the returned socket (CLOEXEC, as every .NET socket).</summary>
    public static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            int errno = SocketOptions.TrySet(socket.SafeHandle, SocketOption.PassCredentials, 1);
            if (errno != 0) throw new NativeCallException($"set SO_PASSCRED on the notify socket {path}", errno);
            File.Delete(path);
            socket.Bind(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Takes the next queued datagram into <paramref name="buffer"/> without waiting; null when none is
    /// queued. A datagram larger than the buffer is cut (<see cref="CredentialDatagram.Truncated"/>);
    /// descriptors a sender attached are closed at once: nobody asked for them.
    /// </summary>
    public static CredentialDatagram? TryReceive(Socket socket, byte[] buffer)
    {
        if (SocketMessage.TryReceive(socket.SafeHandle, buffer, DescriptorRoom, credentials: true, "receive from the notify socket") is not { } message)
            return null;
        foreach (var fd in message.Descriptors) fd.Dispose();
        PeerCredentials? sender = message.Sender is { } s ? new PeerCredentials(s.Pid, s.Uid, s.Gid) : null;
        return new CredentialDatagram(message.Length, sender, message.Truncated, message.Descriptors.Length);
    }
}
