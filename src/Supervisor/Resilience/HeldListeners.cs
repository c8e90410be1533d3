using System.Runtime.InteropServices;
using FdHandoff.Supervisor.Listeners;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>The listeners the supervisor holds, as the next image (re-exec) or the next supervisor (adoption) needs them: records, and each socket named <c>listener:N</c>.</summary>
internal static class HeldListeners
{
    public static IReadOnlyList<(HeldListenerRecord Record, SafeHandle Socket)> Of(ListenerSet listeners) =>
        listeners.All.Select((l, i) => (new HeldListenerRecord(l.Spec.ToString(), $"listener:{i}", l.Origin.ToString(), l.StoredWithSystemd,
            l.SocketFile is { } f ? new SocketFileRecord(f.Device, f.Inode, f.ChangedNs) : null), (SafeHandle)l.Socket.SafeHandle)).ToList();
}
