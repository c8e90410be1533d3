using System.Net.Sockets;
using FdHandoff.Interop;

namespace FdHandoff.Sockets;

/// <summary>
/// Passes descriptors themselves, not their contents, on a connected AF_UNIX socket (SCM_RIGHTS, through
/// <see cref="SocketMessage"/>). Both directions are non-blocking; callers wait for readiness.
/// </summary>
internal static class FdPassing
{
    /// <summary>Largest number of descriptors one message may carry (the kernel's SCM_MAX_FD).</summary>
    public const int MaxDescriptorsPerMessage = SocketMessage.MaxDescriptors;

    /// <summary>
    /// Sends one datagram with <paramref name="fds"/> attached. The descriptors stay owned by the caller:
    /// the receiver gets its own copies. Returns false when the socket buffer is full (EAGAIN).
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxDescriptorsPerMessage"/> descriptors.</exception>
    /// <exception cref="NativeCallException">The send failed.</exception>
    public static bool TrySend(Socket socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, string attempted) =>
        SocketMessage.TrySend(socket.SafeHandle, data, fds, attempted);

    /// <summary>
    /// Receives one datagram of at most <paramref name="maxLength"/> bytes and every descriptor on it,
    /// each already CLOEXEC (MSG_CMSG_CLOEXEC). Returns null when nothing is queued (EAGAIN);
    /// a datagram of length 0 means the peer closed the connection.
    /// </summary>
    public static ReceivedDatagram? TryReceive(Socket socket, int maxLength, string attempted) =>
        TryReceive(socket, new byte[maxLength], attempted);

    /// <summary>
    /// As <see cref="TryReceive(Socket, int, string)"/>, into <paramref name="buffer"/>, which the caller reuses
    /// from one datagram to the next (the datagram keeps a copy of just its bytes): a receiver of many small
    /// messages allocates no 64 KiB buffer for each.
    /// </summary>
    public static ReceivedDatagram? TryReceive(Socket socket, byte[] buffer, string attempted)
    {
        if (SocketMessage.TryReceive(socket.SafeHandle, buffer, MaxDescriptorsPerMessage, credentials: false, attempted) is not { } message)
            return null;
        // Ownership: the message's descriptors go to the datagram, which closes any its taker leaves.
        return new ReceivedDatagram(buffer.AsSpan(0, message.Length).ToArray(), message.Descriptors,
            message.Truncated, message.ControlTruncated);
    }
}
