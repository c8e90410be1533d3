using System.Net.Sockets;
using FdHandoff.Protocol;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// The one owner of the control socket's listening socket and of the connections accepted but not read yet when the
/// control plane paused: what the <see cref="ControlServer"/> serves, and what a re-exec keeps for the next image.
/// </summary>
internal sealed class ControlListener : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ControlChannel> _unread = [];
    private Socket? _socket;

    /// <summary>The listening socket (owned here), once bound or taken over.</summary>
    public Socket Socket => _socket ?? throw new InvalidOperationException("the control socket is not open yet");

    public void Hold(Socket socket) => _socket = socket;

    /// <summary>True once bound or taken over (a supervisor adopting a dead one's workers binds it before anything else).</summary>
    public bool IsHeld => _socket is not null;

    /// <summary>A connection accepted and not read yet, kept while the control plane is paused.</summary>
    public void KeepUnread(ControlChannel channel)
    {
        lock (_lock) _unread.Add(channel);
    }

    /// <summary>The connections kept unread; the caller owns them.</summary>
    public IReadOnlyList<ControlChannel> TakeUnread()
    {
        lock (_lock)
        {
            var unread = _unread.ToList();
            _unread.Clear();
            return unread;
        }
    }

    /// <summary>The connections kept unread, still owned here (a re-exec names them to the next image).</summary>
    public IReadOnlyList<ControlChannel> Unread
    {
        get { lock (_lock) return _unread.ToList(); }
    }

    public void Dispose()
    {
        _socket?.Dispose();
        foreach (var channel in TakeUnread()) channel.Dispose();
    }
}
