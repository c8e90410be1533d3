using static FdHandoff.Interop.Libc;

namespace FdHandoff.Sockets;

/// <summary>Builds the one SCM_RIGHTS control message both senders attach descriptors with.</summary>
internal static unsafe class ScmRights
{
    /// <summary>
    /// Refuses more descriptors than the kernel takes in one message, before any buffer is sized or
    /// syscall made: the kernel's own answer would be a bare EINVAL (as sd-daemon checks, so do we).
    /// </summary>
    /// <exception cref="ArgumentException">More than SCM_MAX_FD descriptors.</exception>
    internal static void ThrowIfTooMany(int count, string attempted)
    {
        if (count > SCM_MAX_FD)
            throw new ArgumentException($"Cannot {attempted}: {count} descriptors in one message, the kernel takes at most {SCM_MAX_FD}", "fds");
    }

    /// <summary>Bytes of control buffer that <paramref name="count"/> descriptors need (0 for none).</summary>
    /// <exception cref="ArgumentException">More than SCM_MAX_FD descriptors.</exception>
    internal static int ControlSize(int count, string attempted)
    {
        ThrowIfTooMany(count, attempted);
        return count == 0 ? 0 : CMSG_SPACE(count * sizeof(int));
    }

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
        msg.msg_controllen = (nuint)CMSG_SPACE(fds.Length * sizeof(int));
    }
}
