namespace FdHandoff.Interop;

/// <summary>
/// What one <see cref="SocketMessage.TryReceive"/> took: <see cref="Length"/> bytes in the caller's buffer, the
/// descriptors that came with them (CLOEXEC, owned by the receiver of this value, who must dispose each or hand it
/// on) and, on a socket with SO_PASSCRED, the sender as the kernel checked it.
/// </summary>
/// <param name="Length">Bytes written to the buffer: the datagram's, or the buffer's length if it was cut.</param>
/// <param name="Truncated">The datagram was longer than the buffer (MSG_TRUNC): the rest is lost.</param>
/// <param name="ControlTruncated">More descriptors came than there was room for (MSG_CTRUNC): the kernel closed the rest.</param>
/// <param name="Descriptors">The descriptors that did arrive.</param>
/// <param name="Sender">pid, uid and gid of the sending process (SCM_CREDENTIALS); null when none came.</param>
internal readonly record struct ReceivedMessage(
    int Length, bool Truncated, bool ControlTruncated, SafeFd[] Descriptors, (int Pid, uint Uid, uint Gid)? Sender);
