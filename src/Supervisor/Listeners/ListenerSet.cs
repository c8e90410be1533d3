using FdHandoff.Listeners;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Systemd;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Every listening socket of the supervisor, sorted by name as <see cref="SupervisorSettings.Listeners"/> is: adopted from systemd when it passed
/// one of that name (socket activation, or our own fd store after a restart), bound here otherwise.
/// Owns them from then until the supervisor exits (invariant 1), or, for a listener a reload dropped, until
/// no worker holds it any more; <see cref="Dispose"/> closes them. A reload adds listeners through
/// <see cref="Prepare"/>; the lock guards the list against the control server's threads reading it.
/// </summary>
internal sealed class ListenerSet(SupervisorSettings settings, ILogger<ListenerSet> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<BoundListener> _listeners = [];
    private readonly List<string> _unclaimed = [];
    private readonly HashSet<BoundListener> _reserved = [];

    /// <summary>Every listener held now: the serving generation's, a generation's being started, and dropped ones still held.</summary>
    public IReadOnlyList<BoundListener> All { get { lock (_lock) return _listeners.ToList(); } }

    /// <summary>A reload's new listeners are in use by the generation that got them (for systemd's fd store).</summary>
    public event Action<IReadOnlyList<BoundListener>>? Committed;

    /// <summary>A listener was closed: no worker held it any more.</summary>
    public event Action<BoundListener>? Closed;

    /// <summary>Names systemd passed descriptors under that no configured listener wanted (closed).</summary>
    public IReadOnlyList<string> Unclaimed => _unclaimed;

    /// <summary>Adopts or binds every configured listener, or none: a failure closes everything and throws (<see cref="ListenerStartup"/>).</summary>
    public void BindAll()
    {
        var (held, unclaimed) = ListenerStartup.BindAll(settings, logger);
        lock (_lock) _listeners.AddRange(held);
        _unclaimed.AddRange(unclaimed);
    }

    /// <summary>
    /// The listeners a re-executed supervisor's previous image held, taken over as they were (bound or adopted, in the
    /// fd store or not), in its order; instead of <see cref="BindAll"/>.
    /// </summary>
    public void TakeOver(IEnumerable<BoundListener> held)
    {
        lock (_lock) _listeners.AddRange(held);
    }

    /// <summary>
    /// The listeners for generation <paramref name="generation"/>, built from <paramref name="next"/> against
    /// <paramref name="serving"/> (the serving generation's): kept, re-listened with a new backlog, or bound
    /// now. Any failure (a bind error, a changed systemd socket) closes what it bound, restores what it changed
    /// and throws: nothing serving is touched. The result is reserved until <see cref="Commit"/> or
    /// <see cref="RollBack"/>, so <see cref="CloseUnused"/> leaves it alone meanwhile.
    /// </summary>
    public ListenerChange Prepare(SupervisorSettings next, IReadOnlyList<BoundListener> serving, int generation)
    {
        var held = All;
        var planned = new List<BoundListener>();
        var added = new List<BoundListener>();
        var relistened = new List<(BoundListener, ListenerSpec)>();
        var reserved = new List<BoundListener>();
        try
        {
            foreach (var spec in next.Listeners)
            {
                // Held already (serving, or dropped earlier and not closed yet): the same socket goes on. Reserved
                // as it is picked: a dropped one's last worker may exit now, and CloseUnused must not close it.
                var same = held.FirstOrDefault(l => l.Spec.Name == spec.Name && ListenerIdentity.SameSocket(l.Spec, spec));
                if (same is not null && !Reserve(same, reserved)) same = null; // closed since: bound again below
                if (same is not null)
                {
                    if (same.Spec.Backlog != spec.Backlog)
                    {
                        var before = same.Spec;
                        try
                        {
                            same.Relisten(spec);
                        }
                        catch (System.Net.Sockets.SocketException e)
                        {
                            throw new SupervisorException($"cannot change the backlog of listener {spec.Name} to {spec.Backlog}: {e.Message}; keep ?backlog={before.Backlog}", SupervisorException.ConfigurationError, e);
                        }
                        relistened.Add((same, before));
                        SupervisorLog.ListenerBacklogChanged(logger, spec.Name, before.Backlog, spec.Backlog);
                    }
                    planned.Add(same);
                    continue;
                }
                if (serving.FirstOrDefault(l => l.Spec.Name == spec.Name && l.Origin == ListenerOrigin.Adopted) is { } theirs)
                    throw new SupervisorException($"Listeners:{spec.Name} is {spec.Address}, but it is systemd's socket on {theirs.Spec.Address} (its .socket unit decides the address): change ListenStream= in the unit, or keep Listeners:{spec.Name} = {theirs.Spec.Address}", SupervisorException.ConfigurationError);
                if (held.FirstOrDefault(l => l.Spec.Name != spec.Name && ListenerIdentity.SameSocket(l.Spec, spec)) is { } other)
                    throw new SupervisorException($"Listeners:{spec.Name} has the address of listener '{other.Spec.Name}' ({other.Spec.Address}), which is still held: a reload cannot rename a listener; keep the name '{other.Spec.Name}', or give '{spec.Name}' another address", SupervisorException.ConfigurationError);
                BoundListener listener;
                try
                {
                    listener = ListenerBinder.Bind(spec);
                }
                catch (SctpUnavailableException e) when (next.SkipUnavailableSctp)
                {
                    SupervisorLog.ListenerSkipped(logger, spec.Name, e.Message);
                    continue;
                }
                catch (SctpUnavailableException e)
                {
                    throw new SupervisorException(e.Message, SupervisorException.ConfigurationError, e);
                }
                catch (SupervisorException e) when (e.InnerException is AddressInUseException && ListenerCollision.HeldInTheWay(held, spec) is { } ours)
                {
                    // Not another process: our own socket, which the serving workers use until they are gone.
                    throw new SupervisorException(ListenerCollision.Describe(spec, ours), SupervisorException.ConfigurationError, e);
                }
                added.Add(listener);
                planned.Add(listener);
                SupervisorLog.ListenerAdded(logger, spec.Name, spec.Address, listener.Fd, generation);
            }
            // A socket unit's listener is systemd's to drop: the new generation gets it still.
            foreach (var theirs in serving.Where(l => l.Origin == ListenerOrigin.Adopted && !planned.Contains(l)))
            {
                SupervisorLog.AdoptedListenerKept(logger, theirs.Spec.Name, theirs.Spec.Address, generation);
                planned.Add(theirs);
            }
        }
        catch
        {
            lock (_lock) _reserved.ExceptWith(reserved);
            Undo(added, relistened);
            throw;
        }
        var dropped = serving.Where(l => !planned.Contains(l)).ToList();
        foreach (var l in dropped) SupervisorLog.ListenerRemoved(logger, l.Spec.Name, l.Spec.Address, generation);
        lock (_lock)
        {
            _listeners.AddRange(added);
            _reserved.UnionWith(planned);
        }
        return new ListenerChange(planned, added, relistened, dropped);
    }

    /// <summary>Reserves <paramref name="listener"/> if it is still held; false when it was closed meanwhile.</summary>
    private bool Reserve(BoundListener listener, List<BoundListener> reserved)
    {
        lock (_lock)
        {
            if (!_listeners.Contains(listener)) return false;
            if (_reserved.Add(listener)) reserved.Add(listener);
            return true;
        }
    }

    /// <summary>The new generation serves: its listeners are its plan's; the fd store learns the new ones.</summary>
    public void Commit(ListenerChange change)
    {
        lock (_lock) _reserved.Clear();
        if (change.Added.Count > 0) Committed?.Invoke(change.Added);
    }

    /// <summary>The new generation never served: close what was bound for it, put the backlogs back.</summary>
    /// <remarks>Our copies only: its workers, killed or draining, close theirs as they exit.</remarks>
    public void RollBack(ListenerChange change)
    {
        lock (_lock)
        {
            _reserved.Clear();
            foreach (var l in change.Added) _listeners.Remove(l);
        }
        Undo(change.Added, change.Relistened);
    }

    private void Undo(IEnumerable<BoundListener> added, IEnumerable<(BoundListener Listener, ListenerSpec Before)> relistened)
    {
        foreach (var l in added) l.Dispose();
        foreach (var (l, before) in relistened)
        {
            try { l.Relisten(before); }
            catch (System.Net.Sockets.SocketException) { } // still listening with the newer backlog: harmless
        }
    }

    /// <summary>
    /// Closes every listener not in <paramref name="inUse"/> (the listeners of every live worker's plan and of
    /// the serving plan) nor reserved by a reload in progress: a dropped listener, once its last worker is gone.
    /// </summary>
    public void CloseUnused(IReadOnlySet<BoundListener> inUse)
    {
        List<BoundListener> closing;
        lock (_lock)
        {
            closing = _listeners.Where(l => !inUse.Contains(l) && !_reserved.Contains(l)).ToList();
            foreach (var l in closing) _listeners.Remove(l);
        }
        foreach (var l in closing)
        {
            SupervisorLog.ListenerClosed(logger, l.Spec.Name, l.Spec.Address);
            // Dropped from the configuration: out of systemd's fd store too (or replaced there by a newer socket
            // of its name), so no next supervisor adopts it and its socket file goes with it.
            l.StoredWithSystemd = false;
            l.Dispose();
            Closed?.Invoke(l);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var l in _listeners) l.Close(logger);
            _listeners.Clear();
        }
    }
}
