using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Creates the control socket safely: a runtime directory nobody else can write to (created 0700
/// when missing, refused when group/other-writable or a symlink), a stale socket replaced only when
/// no supervisor answers on it, and the socket itself 0600. With a <see cref="ControlSocketGroup"/> the
/// socket is 0660 and owned by that group, and a directory created here is 0750 with that group, so
/// members can reach the socket and nobody else can.
/// </summary>
internal sealed class ControlSocketFile(ILogger<ControlSocketFile> logger)
{
    public Socket Bind(string path, ControlSocketGroup? group = null)
    {
        string dir = Path.GetDirectoryName(path)!;
        PrepareDirectory(dir, group);
        RemoveStale(path);

        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            // The directory is private already; 0600 keeps the socket so if the directory is shared on purpose.
            // connect(2) needs write permission on the socket file: 0660 lets the group in, no one else.
            File.SetUnixFileMode(path, group is null
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
            if (group is not null) ChangeGroup(path, group);
            socket.Listen(64);
            return socket;
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            socket.Dispose();
            throw new SupervisorException($"cannot create the control socket {path}: {e.Message}; set ControlSocket to a path in a directory this user owns");
        }
    }

    private static void PrepareDirectory(string dir, ControlSocketGroup? group)
    {
        var info = new DirectoryInfo(dir);
        if (info.LinkTarget is not null)
            throw new SupervisorException($"control socket directory {dir} is a symlink: refusing it; use a real directory owned by this user");
        if (!info.Exists)
        {
            try
            {
                var created = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
                if (group is not null) created |= UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
                Directory.CreateDirectory(dir, created);
                // CreateDirectory leaves existing parents alone and applies the umask: set the mode we mean.
                File.SetUnixFileMode(dir, created);
                if (group is not null) ChangeGroup(dir, group);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new SupervisorException($"cannot create control socket directory {dir}: {e.Message}; set ControlSocket to a writable place");
            }
            return;
        }
        var mode = File.GetUnixFileMode(dir);
        bool sticky = (mode & UnixFileMode.StickyBit) != 0;
        if (!sticky && (mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new SupervisorException($"control socket directory {dir} is writable by others ({Convert.ToString((int)mode & 0x1FF, 8)}): another user could replace the socket; chmod go-w it or choose another ControlSocket");
    }

    private static void ChangeGroup(string path, ControlSocketGroup group)
    {
        try
        {
            UnixFile.ChangeGroup(path, group.Gid);
        }
        catch (NativeCallException e)
        {
            throw new SupervisorException($"cannot give the control socket {path} to ControlSocketGroup {group}: {e.Message}; run as root or as a member of that group", 1, e);
        }
    }

    private void RemoveStale(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) return;
        if (new FileInfo(path).LinkTarget is not null)
            throw new SupervisorException($"control socket path {path} is a symlink: refusing to replace it");
        RefuseIfAnswered(path);
        SupervisorLog.StaleControlSocketRemoved(logger, path);
        File.Delete(path);
    }

    /// <summary>
    /// One line, before this supervisor touches anything (a listener, the state file, a socket file), when a supervisor
    /// already answers on <paramref name="path"/>: a second one started on the same configuration must not disturb the first.
    /// </summary>
    public static void RefuseIfAnswered(string path)
    {
        if (!File.Exists(path)) return;
        try
        {
            using var probe = ControlChannel.Connect(path);
        }
        catch (ControlSocketUnreachableException)
        {
            return;
        }
        throw new SupervisorException($"another supervisor is already running on {path}: stop it, or give this one another ControlSocket");
    }

    public void Remove(string path)
    {
        try { File.Delete(path); } catch (IOException) { }
    }
}
