using FdHandoff.Protocol;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Admin requests accepted and not answered yet (an upgrade waiting in the queue, the re-exec itself): what a re-exec
/// passes to the next image, which answers them on the same connections. The one owner of that list; each request's
/// handler keeps its registration for as long as it waits.
/// </summary>
internal sealed class PendingAdmin
{
    private readonly Lock _lock = new();
    private readonly List<Request> _waiting = [];

    /// <summary>One request waiting for its answer: its kind ("upgrade", "reexec"), connection, reason and asker.</summary>
    public sealed record Request(string Kind, ControlChannel Channel, string Reason, int PeerPid);

    /// <summary>Registers a request until the returned registration is disposed (it was answered).</summary>
    public IDisposable Wait(string kind, ControlChannel channel, string reason, int peerPid)
    {
        var request = new Request(kind, channel, reason, peerPid);
        lock (_lock) _waiting.Add(request);
        return new Registration(this, request);
    }

    public IReadOnlyList<Request> Waiting
    {
        get { lock (_lock) return _waiting.ToList(); }
    }

    private sealed class Registration(PendingAdmin owner, Request request) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock) owner._waiting.Remove(request);
        }
    }
}
