using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>What <see cref="File"/> cannot do to a file on Linux: change its group.</summary>
internal static class UnixFile
{
    /// <summary>Gives <paramref name="path"/> to group <paramref name="gid"/>, keeping its owner (a symlink's target, as chown(2) follows links).</summary>
    /// <exception cref="NativeCallException">Not allowed (only root, or the owner for a group it is in), or no such file.</exception>
    internal static void ChangeGroup(string path, uint gid)
    {
        int errno = FileCalls.TryChangeGroup(path, gid);
        if (errno != 0) throw new NativeCallException($"give {path} to gid {gid}", errno);
    }
}
