using FdHandoff.Listeners;
using FdHandoff.Systemd;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Takes a descriptor systemd passed as the listener of the same name, once <see cref="PassedSocketCheck"/>
/// has found it to be what the configuration says. A mismatch is one clear line that says which two
/// settings must agree, not a listener that silently serves the wrong thing.
/// </summary>
internal static class ListenerAdopter
{
    public static BoundListener Adopt(ListenerSpec spec, ActivatedFd passed)
    {
        string what = $"systemd passed fd {passed.Fd.Value} named '{passed.Name}'";
        try
        {
            // Ownership: on success the descriptor has gone from passed.Fd to the Socket, and so to the listener.
            return new BoundListener(spec, PassedSocketCheck.Adopt(spec, passed.Fd), ListenerOrigin.Adopted);
        }
        catch (PassedSocketMismatchException e)
        {
            string fix = $"make FileDescriptorName={spec.Name} in the .socket unit and Listeners:{spec.Name} = {spec.Address} agree";
            throw new SupervisorException($"{what} {e.Reason}: {fix}", SupervisorException.ConfigurationError, e);
        }
    }
}
