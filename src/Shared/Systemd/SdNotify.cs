using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using FdHandoff.Interop;
using FdHandoff.Sockets;

namespace FdHandoff.Systemd;

/// <summary>
/// Tells systemd about the service's state over <c>$NOTIFY_SOCKET</c>, as sd_notify(3) and
/// sd_pid_notify_with_fds do, including descriptors for the file descriptor store (FDSTORE=1), which
/// Microsoft.Extensions.Hosting.Systemd cannot send. Does nothing when the service was not started by
/// systemd with Type=notify (no NOTIFY_SOCKET).
/// </summary>
internal sealed class SdNotify
{
    /// <summary>The variable systemd sets for Type=notify services (and NotifyAccess= ones).</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly UnixSocketAddress? _address;

    // For testing: takes the NOTIFY_SOCKET value instead of reading the environment.
    internal SdNotify(string? notifySocket)
    {
        if (string.IsNullOrEmpty(notifySocket)) return;
        try
        {
            _address = UnixSocketAddress.Parse(notifySocket);
        }
        catch (ArgumentException e)
        {
            // vsock: addresses (systemd 254+ in VMs) land here too; we only run on the host.
            throw new SystemdEnvironmentException(SocketVariable, notifySocket, "is not a Unix socket path or @abstract name: " + e.Message);
        }
    }

    /// <summary>
    /// The notifier for this process. With <paramref name="unsetEnvironment"/>, NOTIFY_SOCKET is removed from
    /// the environment so that spawned workers cannot talk to systemd in the supervisor's name.
    /// </summary>
    /// <exception cref="SystemdEnvironmentException">NOTIFY_SOCKET holds something that is not a Unix socket address.</exception>
    public static SdNotify FromEnvironment(bool unsetEnvironment = false)
    {
        var notifier = new SdNotify(Environment.GetEnvironmentVariable(SocketVariable));
        if (unsetEnvironment) Environment.SetEnvironmentVariable(SocketVariable, null);
        return notifier;
    }

    /// <summary>True when there is a notify socket to talk to.</summary>
    public bool IsEnabled => _address is not null;

    /// <summary>The notify socket's address as systemd gave it (<c>/run/systemd/notify</c>), or null.</summary>
    public string? SocketAddress => _address?.Text;

    /// <summary>Sends <paramref name="state"/>. False when there is no notify socket (not under systemd).</summary>
    /// <exception cref="NativeCallException">The send failed (systemd gone, permission denied).</exception>
    public bool Notify(NotifyState state) => Notify(state, []);

    /// <summary>
    /// Sends <paramref name="state"/> with <paramref name="fds"/> attached (SCM_RIGHTS), typically
    /// <c>NotifyState.FdStore("http")</c> with the listening sockets. The descriptors stay owned by the
    /// caller: systemd gets its own copies. False when there is no notify socket.
    /// </summary>
    /// <exception cref="ArgumentException">More than 253 descriptors (SCM_MAX_FD), or a closed one.</exception>
    /// <exception cref="NativeCallException">The send failed.</exception>
    public bool Notify(NotifyState state, IReadOnlyList<SafeHandle> fds)
    {
        ArgumentNullException.ThrowIfNull(fds);
        if (_address is null) return false;
        string text = state.ToString();
        if (text.Length == 0) throw new ArgumentException("An empty state tells systemd nothing", nameof(state));
        string attempted = fds.Count == 0
            ? $"send '{Describe(text)}' to the notify socket {_address}"
            : $"send '{Describe(text)}' with {fds.Count} descriptors to the notify socket {_address}";
        // Before any handle is looked at, so that too many is reported as such, not as the first closed one.
        SocketMessage.ThrowIfTooManyDescriptors(fds.Count, attempted);

        var added = new bool[fds.Count];
        var numbers = new int[fds.Count];
        try
        {
            for (int i = 0; i < fds.Count; i++)
            {
                if (fds[i].IsClosed || fds[i].IsInvalid)
                    throw new ArgumentException($"Cannot {attempted}: descriptor {i} is closed", nameof(fds));
                fds[i].DangerousAddRef(ref added[i]);
                numbers[i] = (int)fds[i].DangerousGetHandle();
            }

            // A socket per message, as sd_notify does: notifications are rare, and nothing is left open
            // for a child to inherit.
            using var client = NativeSocket.Open(AddressFamily.Unix, SocketType.Dgram, attempted);
            // Messages are far smaller than the socket buffer; a send blocks only if systemd stops reading.
            int errno = UnixDatagrams.SendTo(client, _address, Encoding.UTF8.GetBytes(text), numbers);
            if (errno != 0) throw new NativeCallException(attempted, errno);
            return true;
        }
        finally
        {
            for (int i = 0; i < fds.Count; i++)
                if (added[i]) fds[i].DangerousRelease();
        }
    }

    // "FDSTORE=1\nFDNAME=http" reads better in an error message on one line.
    private static string Describe(string text) => text.Replace('\n', ' ');
}
