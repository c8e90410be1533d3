using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Builds the one SCM_RIGHTS control message both senders attach descriptors with.</summary>
internal static unsafe class ScmRights
{
    /// <summary>Bytes of control buffer that <paramref name="count"/> descriptors need (0 for none).</summary>
    internal static int ControlSize(int count) => count == 0 ? 0 : CMSG_SPACE(count * sizeof(int));

    /// <summary>
    /// Writes <paramref name="fds"/> as one SCM_RIGHTS message into <paramref name="control"/> (zeroed,
    /// <see cref="ControlSize"/> bytes) and points <paramref name="msg"/> at it. Nothing for no descriptors.
    /// </summary>
    internal static void Attach(ref msghdr msg, byte* control, ReadOnlySpan<int> fds)
    {
        if (fds.Length == 0) return;
        var header = (cmsghdr*)control;
        header->cmsg_len = (nuint)CMSG_LEN(fds.Length * sizeof(int));
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        fds.CopyTo(new Span<int>(control + CMSG_ALIGN(sizeof(cmsghdr)), fds.Length));
        msg.msg_control = control;
        msg.msg_controllen = (nuint)ControlSize(fds.Length);
    }
}
