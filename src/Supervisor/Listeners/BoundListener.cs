using System.Net.Sockets;
using FdHandoff.Listeners;

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

    public void Dispose() => Socket.Dispose();

    public override string ToString() => Spec.ToString();
}
