using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// A struct sockaddr_un (unix(7)) as bytes, ready for bind's addr or sendmsg's msg_name: the family, then the
/// name, and exactly as long as the kernel must be told (socklen_t).
/// </summary>
internal static class UnixSockaddr
{
    /// <summary>The size of sun_path: a path and its terminating NUL, or an abstract name and its leading NUL, fit in it.</summary>
    internal const int NameCapacity = SUN_PATH_LENGTH;

    // offsetof(struct sockaddr_un, sun_path), from the struct NativeLayoutTests checks against the C header.
    private static readonly int NameOffset = OffsetOfName();

    /// <summary>
    /// Encodes <paramref name="name"/> (UTF-8, at most <see cref="NameCapacity"/> - 1 bytes). A path is
    /// NUL-terminated; an abstract name gets its leading NUL and no terminating one (its length is the address
    /// length, as sd_notify sends it).
    /// </summary>
    internal static byte[] Encode(ReadOnlySpan<byte> name, bool isAbstract)
    {
        var sockaddr = new byte[NameOffset + name.Length + 1];
        BitConverter.TryWriteBytes(sockaddr.AsSpan(0, NameOffset), (ushort)AF_UNIX);
        name.CopyTo(sockaddr.AsSpan(NameOffset + (isAbstract ? 1 : 0)));
        return sockaddr;
    }

    private static unsafe int OffsetOfName()
    {
        sockaddr_un address = default;
        return (int)(address.sun_path - (byte*)&address);
    }
}
