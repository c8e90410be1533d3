using System.Net.Sockets;
using FdHandoff.Listeners;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// A listening socket the supervisor holds for its whole life (invariant 1): workers only ever get
/// copies. <see cref="Origin"/> says whether we bound it or systemd passed it in.
/// </summary>
internal sealed class BoundListener(ListenerSpec spec, Socket socket, ListenerOrigin origin) : IDisposable
{
    /// <summary>What the listener is; a reload changes only its backlog (<see cref="Relisten"/>).</summary>
    public ListenerSpec Spec { get; private set; } = spec;

    /// <summary>The listening socket; owned by this object.</summary>
    public Socket Socket { get; } = socket;

    public ListenerOrigin Origin { get; } = origin;

    /// <summary>The origin as <c>fdhandoff status</c> prints it: "bound" or "systemd".</summary>
    public string OriginName => Origin == ListenerOrigin.Adopted ? "systemd" : "bound";

    /// <summary>The descriptor to pass with SCM_RIGHTS; still owned here (the kernel gives the receiver its own).</summary>
    public int Fd => (int)Socket.SafeHandle.DangerousGetHandle();

    /// <summary>listen() again with <paramref name="spec"/>'s backlog: same socket, same address, same queue.</summary>
    public void Relisten(ListenerSpec spec)
    {
        Socket.Listen(spec.Backlog);
        Spec = spec;
    }


    /// <summary>
    /// A unix listener we bound: the socket file as made, removed at <see cref="Dispose"/> if still that file.
    /// Null for the IP kinds and for sockets systemd passed (their unit owns the path).
    /// </summary>
    public FileNode? SocketFile { get; init; }

    /// <summary>Set once systemd's fd store holds the socket: the next supervisor adopts it, so its path must stay.</summary>
    public bool StoredWithSystemd { get; set; }

    /// <summary>
    /// Closes the socket, and removes the socket file of a unix listener we made, unless systemd's fd store keeps
    /// the socket (the next supervisor adopts it at that path) or the file is no longer the one we made.
    /// </summary>
    public void Close(ILogger? logger)
    {
        Socket.Dispose();
        if (SocketFile is not { } made) return;
        if (StoredWithSystemd)
        {
            if (logger is not null) SupervisorLog.UnixSocketKept(logger, Spec.Name, Spec.Path!);
            return;
        }
        if (UnixSocketPath.RemoveIfStill(Spec.Path!, made) && logger is not null)
            SupervisorLog.UnixSocketRemoved(logger, Spec.Name, Spec.Path!);
    }

    public void Dispose() => Close(null);

    public override string ToString() => Spec.ToString();
}
