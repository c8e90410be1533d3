using System.Runtime.InteropServices;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// statx(2), chmod(2), chown(2) and unlink(2) on a path, for what <see cref="File"/> cannot do on Linux (see a
/// socket file's identity, give a file to a group). Each returns 0 or the errno, read right after the call.
/// </summary>
internal static unsafe class FileCalls
{
    // chown(2) leaves an id unchanged when given (uid_t)-1.
    private const uint Unchanged = uint.MaxValue;

    /// <summary>
    /// What <paramref name="path"/> names, without following a symlink (as lstat does): its type, device, inode
    /// and last change in nanoseconds. statx rather than lstat: struct statx is laid out alike on every architecture.
    /// </summary>
    internal static int TryLstat(string path, out (FileType Type, ulong Device, ulong Inode, long ChangedNs) node)
    {
        statx_buffer buffer;
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_CTIME, &buffer) != 0)
        {
            node = default;
            return Marshal.GetLastPInvokeError();
        }
        ulong device = ((ulong)buffer.stx_dev_major << 32) | buffer.stx_dev_minor;
        node = ((FileType)(buffer.stx_mode & S_IFMT), device, buffer.stx_ino, buffer.stx_ctime_sec * 1_000_000_000 + buffer.stx_ctime_nsec);
        return 0;
    }

    /// <summary>Sets the permission bits of <paramref name="path"/> (chmod, following a symlink); 0, or the errno.</summary>
    internal static int TrySetMode(string path, uint mode) => chmod(path, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Gives <paramref name="path"/> to group <paramref name="gid"/>, keeping its owner (chown, following a symlink); 0, or the errno.</summary>
    internal static int TryChangeGroup(string path, uint gid) => chown(path, Unchanged, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Removes the name <paramref name="path"/> (unlink); 0, or the errno.</summary>
    internal static int TryRemove(string path) => unlink(path) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
