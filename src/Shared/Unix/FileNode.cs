using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Unix;

/// <summary>
/// What a path names, without following a symlink (lstat): its type and its identity (device, inode and the
/// nanosecond of its last change), so a file found later can be told apart from the one that was there before:
/// a file system hands a freed inode number to the next file at once, the change time tells them apart.
/// </summary>
internal readonly record struct FileNode(int Type, ulong Device, ulong Inode, long ChangedNs)
{
    public bool IsSocket => Type == S_IFSOCK;

    /// <summary>"a socket", "a regular file", "a directory", "a symlink"...: for a message.</summary>
    public string Kind => Type switch
    {
        S_IFSOCK => "a socket",
        S_IFREG => "a regular file",
        S_IFDIR => "a directory",
        S_IFLNK => "a symlink",
        _ => $"a special file (type 0{Convert.ToString(Type >> 12, 8)})",
    };

    /// <summary>The node at <paramref name="path"/>, or null when nothing is there.</summary>
    /// <exception cref="NativeCallException">It cannot be looked at (a directory on the way is not searchable...).</exception>
    public static unsafe FileNode? Lstat(string path)
    {
        statx_buffer buffer;
        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_INO | STATX_CTIME, &buffer) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno is ENOENT or ENOTDIR) return null;
            throw new NativeCallException($"look at {path}", errno);
        }
        ulong device = ((ulong)buffer.stx_dev_major << 32) | buffer.stx_dev_minor;
        return new FileNode(buffer.stx_mode & S_IFMT, device, buffer.stx_ino, buffer.stx_ctime_sec * 1_000_000_000 + buffer.stx_ctime_nsec);
    }
}
