namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// A listening socket the supervisor holds, as the next image needs it: its spec as written (name=address), whether
/// we bound it or systemd passed it, whether systemd's fd store keeps it, and the socket file we made for a unix
/// </summary>
/// listener, removed at exit if still that file). Its descriptor travels beside, named <paramref name="Descriptor"/>
/// (<c>listener:N</c>: two held listeners may share a name for a while, a dropped one and its successor).
internal sealed record HeldListenerRecord(string Spec, string Descriptor, string Origin, bool StoredWithSystemd, SocketFileRecord? SocketFile);

