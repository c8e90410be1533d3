namespace FdHandoff.Unix;

/// <summary>
/// The kernel's identity of a socket: the inode of its sockfs node, as /proc/self/fd shows it ("socket:[12345]").
/// Every descriptor of one socket, in any process, names the same inode: how a supervisor that adopts workers
/// after a crash tells whether a connection one worker was handing over reached another.
/// </summary>
internal static class SocketInodes
{
    /// <summary>The inode of the socket open at <paramref name="fd"/> in this process, or null when it is not a socket.</summary>
    public static ulong? Of(int fd)
    {
        string? target;
        try
        {
            target = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null; // closed meanwhile
        }
        return Parse(target);
    }

    private static ulong? Parse(string? target) =>
        target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
        && ulong.TryParse(target.AsSpan(8, target.Length - 9), out ulong inode) ? inode : null;
}
