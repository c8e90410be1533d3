namespace FdHandoff.Supervisor.Listeners;

/// <summary>Where a listening socket came from; <c>fdhandoff status</c> shows it as "bound" or "systemd".</summary>
internal enum ListenerOrigin
{
    /// <summary>The supervisor bound it (and keeps it in systemd's fd store when it can).</summary>
    Bound,

    /// <summary>systemd passed it in: a .socket unit's, or one from the fd store.</summary>
    Adopted,
}
