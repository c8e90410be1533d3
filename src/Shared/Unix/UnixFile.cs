using System.Runtime.InteropServices;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Unix;

/// <summary>What <see cref="File"/> cannot do to a file on Linux: change its group.</summary>
internal static class UnixFile
{
    // chown(2) leaves an id unchanged when given (uid_t)-1.
    private const uint Unchanged = uint.MaxValue;

    /// <summary>Gives <paramref name="path"/> to group <paramref name="gid"/>, keeping its owner (a symlink's target, as chown(2) follows links).</summary>
    /// <exception cref="NativeCallException">Not allowed (only root, or the owner for a group it is in), or no such file.</exception>
    internal static void ChangeGroup(string path, uint gid)
    {
        if (chown(path, Unchanged, gid) != 0)
        {
            int errno = Marshal.GetLastPInvokeError(); // before the message is formatted, which may overwrite it
            throw new NativeCallException($"give {path} to gid {gid}", errno);
        }
    }
}
