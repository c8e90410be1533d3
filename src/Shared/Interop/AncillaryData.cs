using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// The control buffer of one sendmsg/recvmsg (cmsg(3)): the SCM_RIGHTS message that attaches descriptors to a
/// datagram, and the walk over what the kernel put in a received one (SCM_RIGHTS, SCM_CREDENTIALS). The only code
/// that lays out or reads a struct cmsghdr; <see cref="SocketMessage"/> is its only caller.
/// </summary>
internal static unsafe class AncillaryData
{
    /// <summary>Bytes of control buffer that <paramref name="count"/> attached descriptors take (0 for none).</summary>
    internal static int RightsSpace(int count) => count == 0 ? 0 : CMSG_SPACE(count * sizeof(int));

    /// <summary>
    /// Bytes of control buffer that receive up to <paramref name="descriptors"/> descriptors and, with
    /// <paramref name="credentials"/>, the one struct ucred the kernel adds on a socket with SO_PASSCRED.
    /// </summary>
    internal static int ReceiveSpace(int descriptors, bool credentials) =>
        (credentials ? CMSG_SPACE(sizeof(ucred)) : 0) + RightsSpace(descriptors);

    /// <summary>
    /// Writes <paramref name="fds"/> as one SCM_RIGHTS message at <paramref name="control"/>, which holds
    /// <see cref="RightsSpace"/> zeroed bytes. The descriptors stay the caller's: the kernel installs copies.
    /// </summary>
    internal static void WriteRights(byte* control, ReadOnlySpan<int> fds)
    {
        var header = (cmsghdr*)control;
        header->cmsg_len = (nuint)CMSG_LEN(fds.Length * sizeof(int));
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        fds.CopyTo(new Span<int>(control + CMSG_ALIGN(sizeof(cmsghdr)), fds.Length));
    }

    /// <summary>
    /// Walks every control message of a received datagram (a sender may split its descriptors over several) and
    /// takes ownership of each SCM_RIGHTS descriptor at once, so none can leak whatever the caller does next.
    /// <paramref name="sender"/> is the SCM_CREDENTIALS the kernel wrote, null when there was none.
    /// </summary>
    internal static SafeFd[] Read(byte* control, nuint length, out (int Pid, uint Uid, uint Gid)? sender)
    {
        sender = null;
        var fds = new List<SafeFd>();
        byte* end = control + (long)length;
        int headerSize = CMSG_ALIGN(sizeof(cmsghdr));
        for (byte* p = control; p + headerSize <= end;)
        {
            var header = (cmsghdr*)p;
            long messageLength = (long)header->cmsg_len;
            if (messageLength < headerSize || p + messageLength > end) break;
            if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS)
            {
                int count = (int)((messageLength - headerSize) / sizeof(int));
                int* data = (int*)(p + headerSize);
                for (int i = 0; i < count; i++) fds.Add(new SafeFd(data[i]));
            }
            else if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_CREDENTIALS && messageLength >= headerSize + sizeof(ucred))
            {
                var cred = *(ucred*)(p + headerSize);
                sender = (cred.pid, cred.uid, cred.gid);
            }
            p += CMSG_ALIGN((int)messageLength);
        }
        return fds.ToArray();
    }
}
