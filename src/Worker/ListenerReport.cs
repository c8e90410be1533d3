using FdHandoff.Client;
using FdHandoff.Client.AspNetCore;

namespace FdHandoff.Worker;

/// <summary>
/// One line per handed-off listener with the protocol read back from the kernel (SO_PROTOCOL), so an operator
/// or a test sees that an <c>mptcp://</c> listener really is MPTCP (262) in the worker, and who serves it.
/// </summary>
internal static class ListenerReport
{
    public static void Write(ILogger logger, HandoffClient handoff)
    {
        var kestrel = new FdHandoffOptions().ServeWithKestrel;
        foreach (var listener in handoff.Listeners.Values.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            string service = kestrel(listener) ? "Kestrel"
                : LiveConnectionService.ProtocolFor(listener.Spec) is { } protocol ? protocol.GetType().Name
                : DatagramEchoService.Serves(listener) ? nameof(DatagramEchoService)
                : "nobody (no service for this name)";
            WorkerLog.ListenerReceived(logger, listener.Name, listener.Spec.Address, listener.Transport.ToString(), listener.Protocol, service);
        }
    }
}
