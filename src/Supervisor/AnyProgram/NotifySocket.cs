using System.Net.Sockets;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// The one owner of the notify socket of systemd-protocol workers (their NOTIFY_SOCKET), once bound or taken over
/// from the previous image: what the <see cref="NotifyServer"/> reads, and what a re-exec keeps for the next image.
/// Null when no worker speaks the systemd protocol.
/// </summary>
internal sealed class NotifySocket : IDisposable
{
    public Socket? Socket { get; private set; }

    public void Hold(Socket socket) => Socket = socket;

    public void Dispose() => Socket?.Dispose();
}
