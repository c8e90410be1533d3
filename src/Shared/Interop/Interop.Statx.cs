using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>
    /// struct statx (statx(2)), only the fields read here. Unlike struct stat its layout is the same on every
    /// architecture, which is why statx is used rather than lstat.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    internal struct statx_buffer
    {
        [FieldOffset(0)] internal uint stx_mask;
        [FieldOffset(28)] internal ushort stx_mode;
        [FieldOffset(32)] internal ulong stx_ino;
        [FieldOffset(96)] internal long stx_ctime_sec;   // stx_ctime.tv_sec
        [FieldOffset(104)] internal uint stx_ctime_nsec; // stx_ctime.tv_nsec
        [FieldOffset(136)] internal uint stx_dev_major;
        [FieldOffset(140)] internal uint stx_dev_minor;
    }

    /// <summary>statx(2); with AT_SYMLINK_NOFOLLOW it describes a symlink itself, as lstat does.</summary>
    [LibraryImport(Name, EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial int statx(int dirfd, string path, int flags, uint mask, statx_buffer* buffer);
}
