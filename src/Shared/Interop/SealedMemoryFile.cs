using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// An anonymous file (memfd_create(2)) holding given bytes, sealed so nobody can change them any more (fcntl(2)
/// F_ADD_SEALS): what journald reads an entry too large for one datagram from, as sd_journal_sendv sends it.
/// </summary>
internal static class SealedMemoryFile
{
    /// <summary>
    /// The file in <paramref name="file"/> (CLOEXEC, the caller owns it) and 0, or null and the errno; a file made
    /// before the failure is closed here.
    /// </summary>
    internal static unsafe int TryCreate(string name, ReadOnlySpan<byte> content, out SafeFd? file)
    {
        file = null;
        int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0) return Marshal.GetLastPInvokeError();
        var made = new SafeFd(fd); // ours alone until handed to the caller
        fixed (byte* start = content)
        {
            for (int offset = 0; offset < content.Length;)
            {
                nint written = write(fd, start + offset, (nuint)(content.Length - offset));
                if (written < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR) continue;
                    made.Dispose();
                    return errno;
                }
                offset += (int)written;
            }
        }
        if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            made.Dispose();
            return errno;
        }
        file = made;
        return 0;
    }
}
