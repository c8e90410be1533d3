namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// The listeners of the generation a reload builds, against the ones held now: which it gets (<see cref="Planned"/>),
/// which were bound for it (closed if it never serves), whose backlog changed (restored if it never serves),
/// and which it drops (closed once no worker holds them). Made by <see cref="ListenerSet.Prepare"/>.
/// </summary>
internal sealed class ListenerChange(
    IReadOnlyList<BoundListener> planned,
    IReadOnlyList<BoundListener> added,
    IReadOnlyList<(BoundListener Listener, FdHandoff.Listeners.ListenerSpec Before)> relistened,
    IReadOnlyList<BoundListener> dropped)
{
    /// <summary>What the new generation is handed: its settings' listeners, sorted by name, then any socket unit's listener it no longer names.</summary>
    public IReadOnlyList<BoundListener> Planned { get; } = planned;

    /// <summary>Bound by this reload; owned by the <see cref="ListenerSet"/> (closed by it on a rollback).</summary>
    public IReadOnlyList<BoundListener> Added { get; } = added;

    public IReadOnlyList<(BoundListener Listener, FdHandoff.Listeners.ListenerSpec Before)> Relistened { get; } = relistened;

    /// <summary>Held for the serving generation, not handed to the new one.</summary>
    public IReadOnlyList<BoundListener> Dropped { get; } = dropped;
}
