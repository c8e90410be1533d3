using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// What makes two listener specs the same socket: everything of the address but the backlog, which can be
/// changed on a listening socket (listen() again) while the others need a new socket.
/// </summary>
internal static class ListenerIdentity
{
    public static string Of(ListenerSpec spec)
    {
        string address = spec.Address;
        int query = address.IndexOf('?');
        if (query < 0) return address;
        var kept = address[(query + 1)..].Split('&').Where(p => !p.StartsWith("backlog=", StringComparison.Ordinal)).ToList();
        return kept.Count == 0 ? address[..query] : $"{address[..query]}?{string.Join('&', kept)}";
    }

    public static bool SameSocket(ListenerSpec a, ListenerSpec b) => Of(a) == Of(b);
}
