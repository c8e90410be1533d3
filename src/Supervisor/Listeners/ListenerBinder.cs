using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Binds the listening socket of a spec (<see cref="ListeningSocketFactory"/> makes it) and turns what
/// can go wrong into the line a person reads: what failed and what to change.
/// </summary>
internal static class ListenerBinder
{
    public static BoundListener Bind(ListenerSpec spec)
    {
        try
        {
            return new BoundListener(spec, ListeningSocketFactory.Bind(spec), ListenerOrigin.Bound);
        }
        catch (ProtocolUnavailableException) when (spec.Transport == ListenerTransport.Sctp)
        {
            throw new SctpUnavailableException(spec);
        }
        catch (ListenerSocketException e)
        {
            throw new SupervisorException(BindFailure(spec, e), 1, e);
        }
    }

    private static string BindFailure(ListenerSpec spec, ListenerSocketException e) => e switch
    {
        AddressInUseException =>
            $"cannot bind listener {spec}: port {spec.Port} is already in use; stop what holds it (ss -ltnp 'sport = :{spec.Port}') or change Listeners:{spec.Name}",
        AddressNotAvailableException =>
            $"cannot bind listener {spec}: address not available on this host; use an address of one of its interfaces in Listeners:{spec.Name}",
        AddressAccessDeniedException =>
            $"cannot bind listener {spec}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ => $"cannot bind listener {spec}: {e.Message}",
    };
}
