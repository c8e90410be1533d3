namespace FdHandoff.Supervisor.Resilience;

/// <summary>The identity of a unix socket file we made (<c>Unix.FileNode</c> of a socket): removed at exit only if still that file.</summary>
internal sealed record SocketFileRecord(ulong Device, ulong Inode, long ChangedNs);
