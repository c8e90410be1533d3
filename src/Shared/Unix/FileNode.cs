using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// What a path names, without following a symlink (lstat): its type and its identity (device, inode and the
/// nanosecond of its last change), so a file found later can be told apart from the one that was there before:
/// a file system hands a freed inode number to the next file at once, the change time tells them apart.
/// </summary>
internal readonly record struct FileNode(FileType Type, ulong Device, ulong Inode, long ChangedNs)
{
    public bool IsSocket => Type == FileType.Socket;

    /// <summary>"a socket", "a regular file", "a directory", "a symlink"...: for a message.</summary>
    public string Kind => Type switch
    {
        FileType.Socket => "a socket",
        FileType.Regular => "a regular file",
        FileType.Directory => "a directory",
        FileType.Symlink => "a symlink",
        _ => $"a special file (type 0{Convert.ToString((int)Type >> 12, 8)})",
    };

    /// <summary>A socket file of the given identity (as recorded earlier: a re-executed supervisor's own socket files).</summary>
    public static FileNode Socket(ulong device, ulong inode, long changedNs) => new(FileType.Socket, device, inode, changedNs);

    /// <summary>The node at <paramref name="path"/>, or null when nothing is there.</summary>
    /// <exception cref="NativeCallException">It cannot be looked at (a directory on the way is not searchable...).</exception>
    public static FileNode? Lstat(string path)
    {
        int errno = FileCalls.TryLstat(path, out var node);
        if (errno is UnixError.NoSuchFile or UnixError.NotADirectory) return null;
        if (errno != 0) throw new NativeCallException($"look at {path}", errno);
        return new FileNode(node.Type, node.Device, node.Inode, node.ChangedNs);
    }
}
