using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Unix;

namespace FdHandoff.Listeners;

/// <summary>
/// The filesystem side of a unix listener: a socket file left by a crash is replaced, a socket something
/// still listens on is refused, anything else at the path is refused (never removed), and the file is
/// removed at exit only while it is still the one we made.
/// </summary>
internal static class UnixSocketPath
{
    /// <summary>
    /// Makes <see cref="ListenerSpec.Path"/> free for bind. True when a stale socket file was removed.
    /// </summary>
    /// <exception cref="AddressInUseException">A process listens on the socket there.</exception>
    /// <exception cref="UnixPathOccupiedException">Something other than a socket is there.</exception>
    /// <exception cref="ListenerSocketException">A socket is there that a stream connect fails on otherwise (Attempted "connect to ...").</exception>
    internal static bool Clear(ListenerSpec spec)
    {
        string path = spec.Path!;
        FileNode? node;
        try
        {
            node = FileNode.Lstat(path);
        }
        catch (NativeCallException e)
        {
            throw new ListenerSocketException(spec, $"look at {path}", e.Errno);
        }
        if (node is null) return false;
        if (!node.Value.IsSocket) throw new UnixPathOccupiedException(spec, node.Value.Kind);

        // Stale means nobody accepts on it: connect(2) gives ECONNREFUSED. A full backlog gives EAGAIN,
        // which is a live listener too.
        // Non-blocking: a blocking connect to a listener with a full backlog would wait for room.
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false })
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new AddressInUseException(spec, $"bind {path}", UnixError.AddressAlreadyInUse);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.TryAgain)
            {
                throw new AddressInUseException(spec, $"bind {path}", UnixError.AddressAlreadyInUse);
            }
            catch (SocketException e)
            {
                // EPROTOTYPE (a datagram socket is there), EACCES (not ours to connect to), ...: whether someone
                // uses it is unknown, so it is not stale and not ours to remove.
                throw new ListenerSocketException(spec, $"connect to {path}", e.NativeErrorCode);
            }
        }
        int errno = FileCalls.TryRemove(path);
        if (errno != 0 && errno != UnixError.NoSuchFile) throw new ListenerSocketException(spec, $"remove the stale socket {path}", errno);
        return true;
    }

    /// <summary>
    /// Removes <paramref name="path"/> if it is still the socket file <paramref name="made"/> names, and not one a
    /// successor made since; errors are ignored (this runs at exit).
    /// </summary>
    internal static bool RemoveIfStill(string path, FileNode made)
    {
        try
        {
            if (FileNode.Lstat(path) != made) return false;
        }
        catch (NativeCallException)
        {
            return false;
        }
        return FileCalls.TryRemove(path) == 0;
    }
}
