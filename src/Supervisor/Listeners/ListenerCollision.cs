using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// When a reload's new socket would collide with one this supervisor holds itself, and the line that says so: the
/// kernel refuses such a bind as "in use", and the operator must not be sent looking for another process.
/// </summary>
internal static class ListenerCollision
{
    /// <summary>
    /// A listener this supervisor holds that a new socket for <paramref name="spec"/> collides with: the same unix
    /// path, or the same port of the same port space (TCP and MPTCP share one) on an overlapping address (the same
    /// one, or the wildcard of the family on either side). The kernel then refuses the bind as "in use", and the
    /// line must not send the operator looking for another process; a port only shared with another address of
    /// ours is another process's doing, and keeps the usual line.
    /// </summary>
    public static BoundListener? HeldInTheWay(IReadOnlyList<BoundListener> held, ListenerSpec spec) =>
        held.FirstOrDefault(l => spec.Transport == ListenerTransport.Unix
            ? l.Spec.Transport == ListenerTransport.Unix && l.Spec.Path == spec.Path
            : l.Spec.Transport != ListenerTransport.Unix && l.Spec.Port == spec.Port && PortSpace(l.Spec.Transport) == PortSpace(spec.Transport)
              && l.Spec.Addresses.Any(a => spec.Addresses.Any(b => Overlap(a, b))));

    private static ListenerTransport PortSpace(ListenerTransport t) => t == ListenerTransport.Mptcp ? ListenerTransport.Tcp : t;

    private static bool Overlap(System.Net.IPAddress a, System.Net.IPAddress b) =>
        a.AddressFamily == b.AddressFamily && (a.Equals(b) || IsWildcard(a) || IsWildcard(b));

    private static bool IsWildcard(System.Net.IPAddress a) =>
        a.Equals(System.Net.IPAddress.Any) || a.Equals(System.Net.IPAddress.IPv6Any);

    public static string Describe(ListenerSpec spec, BoundListener ours) => spec.Transport == ListenerTransport.Unix
        ? $"Listeners:{spec.Name} is now {spec.Address}, but {spec.Path} is this supervisor's own listener '{ours.Spec.Name}' ({ours.Spec.Address}), which its workers serve: a reload cannot create a second socket at that path; keep Listeners:{spec.Name} = {ours.Spec.Address} and set the mode or group on the path itself (chmod/chgrp {spec.Path}: the socket keeps it), or stop and start the supervisor to create it anew"
        : $"Listeners:{spec.Name} is now {spec.Address}, but port {spec.Port} is held by this supervisor's own listener '{ours.Spec.Name}' ({ours.Spec.Address}) until the workers that serve it are gone, and the kernel cannot bind both: move it in two reloads (another port first, then {spec.Address}), or restart the supervisor with the new address";
}
