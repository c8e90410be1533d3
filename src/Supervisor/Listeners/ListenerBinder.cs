using FdHandoff.Listeners;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Binds the listening socket of a spec (<see cref="ListeningSocketFactory"/> makes it) and turns what
/// can go wrong into the line a person reads: what failed and what to change.
/// </summary>
internal static class ListenerBinder
{
    public static BoundListener Bind(ListenerSpec spec, ILogger? logger = null)
    {
        try
        {
            var socket = ListeningSocketFactory.Bind(spec, out bool replacedStale);
            if (spec.Transport != ListenerTransport.Unix) return new BoundListener(spec, socket, ListenerOrigin.Bound);

            if (replacedStale && logger is not null) SupervisorLog.StaleUnixSocketReplaced(logger, spec.Name, spec.Path!);
            try
            {
                // Remembered so that exit removes this file and not one a successor made at the same path since.
                return new BoundListener(spec, socket, ListenerOrigin.Bound) { SocketFile = FileNode.Lstat(spec.Path!) };
            }
            catch (Interop.NativeCallException e)
            {
                socket.Dispose();
                throw new ListenerSocketException(spec, $"look at {spec.Path}", e.Errno);
            }
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

    internal static string BindFailure(ListenerSpec spec, ListenerSocketException e) => e switch
    {
        MptcpUnavailableException { IsDisabled: true } m =>
            $"cannot create MPTCP listener {spec}: MPTCP is switched off on this host (sysctl net.mptcp.enabled = {m.Enabled}); turn it on (sysctl -w net.mptcp.enabled=1, and a file in /etc/sysctl.d to keep it) or use tcp:// in Listeners:{spec.Name}",
        MptcpUnavailableException =>
            $"cannot create MPTCP listener {spec}: this kernel has no MPTCP (no sysctl net.mptcp.enabled; it needs Linux 5.6 or later built with CONFIG_MPTCP); run a kernel with MPTCP and net.mptcp.enabled=1, or use tcp:// in Listeners:{spec.Name}",
        UnixPathOccupiedException o =>
            $"cannot bind listener {spec}: {spec.Path} exists and is {o.Kind}, not a socket; remove it yourself if it is not needed, or change Listeners:{spec.Name}",
        AddressInUseException when spec.Transport == ListenerTransport.Unix =>
            $"cannot bind listener {spec}: a process is listening on {spec.Path}; stop it (ss -xlp src {spec.Path}) or change Listeners:{spec.Name}",
        AddressInUseException when spec.Transport == ListenerTransport.Udp =>
            $"cannot bind listener {spec}: port {spec.Port} is already in use; stop what holds it (ss -lunp 'sport = :{spec.Port}') or change Listeners:{spec.Name}",
        AddressInUseException =>
            $"cannot bind listener {spec}: port {spec.Port} is already in use; stop what holds it (ss -ltnp 'sport = :{spec.Port}') or change Listeners:{spec.Name}",
        AddressNotAvailableException =>
            $"cannot bind listener {spec}: address not available on this host; use an address of one of its interfaces in Listeners:{spec.Name}",
        AddressAccessDeniedException when spec.Transport == ListenerTransport.Unix =>
            $"cannot bind listener {spec}: permission denied creating {spec.Path}; make its directory writable by this user or change Listeners:{spec.Name}",
        AddressAccessDeniedException =>
            $"cannot bind listener {spec}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
        _ when spec.Transport == ListenerTransport.Unix && e.Attempted.StartsWith("connect to ", StringComparison.Ordinal) =>
            $"cannot bind listener {spec}: {spec.Path} is a socket that a stream connect fails on ({System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(e.Errno)}: a datagram socket, or not this user's to connect to), so whether it is in use is unknown; remove it if nothing uses it, or change Listeners:{spec.Name}",
        { Errno: Interop.UnixError.NoSuchFile } when spec.Transport == ListenerTransport.Unix && e.Attempted.StartsWith("bind ", StringComparison.Ordinal) =>
            $"cannot bind listener {spec}: directory {Path.GetDirectoryName(spec.Path)} does not exist; create it (RuntimeDirectory= in the service unit) or change Listeners:{spec.Name}",
        _ when e.Attempted.StartsWith("give ", StringComparison.Ordinal) =>
            $"cannot bind listener {spec}: {e.Message}; run the supervisor as root or as a member of group {spec.Group}, or change the group in Listeners:{spec.Name}",
        _ => $"cannot bind listener {spec}: {e.Message}",
    };
}
