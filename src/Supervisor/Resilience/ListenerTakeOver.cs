using FdHandoff.Listeners;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// The listeners a re-executed supervisor's previous image held, each checked against its spec as a socket systemd
/// passes is (type, family, protocol, address) and held again as it was: bound or adopted, in the fd store or not,
/// with the socket file we made for a unix listener.
/// </summary>
internal static class ListenerTakeOver
{
    /// <remarks>After an adoption, a listener no worker gave back (or one that is not what its record says) is bound anew.</remarks>
    public static IReadOnlyList<BoundListener> From(RestoredImage restored, Microsoft.Extensions.Logging.ILogger logger)
    {
        var held = new List<BoundListener>();
        try
        {
            foreach (var record in restored.HandOff!.Listeners)
            {
                var spec = ListenerSpec.Parse(record.Spec);
                var fd = restored.Take(record.Descriptor);
                if (fd is null && restored.IsAdoption)
                {
                    held.Add(ListenerBinder.Bind(spec, logger));
                    continue;
                }
                if (fd is null) throw new SupervisorException($"the re-exec hand-off names listener {record.Spec} but passed no descriptor {record.Descriptor}");
                var socket = PassedSocketCheck.Adopt(spec, fd);
                held.Add(new BoundListener(spec, socket, Enum.Parse<ListenerOrigin>(record.Origin))
                {
                    SocketFile = record.SocketFile is { } f ? FileNode.Socket(f.Device, f.Inode, f.ChangedNs) : null,
                    StoredWithSystemd = record.StoredWithSystemd,
                });
            }
            return held;
        }
        catch (PassedSocketMismatchException e)
        {
            foreach (var l in held) l.Socket.Dispose();
            throw new SupervisorException($"a listener {(restored.IsAdoption ? "a worker gave back" : "passed across the re-exec")} {e.Reason}");
        }
    }
}
