namespace FdHandoff.Protocol;

/// <summary>A hand-over a worker sent and got no answer for: its request id, its listener and its socket's inode.</summary>
internal sealed record PendingHandOver(long Id, string Listener, ulong Inode);
