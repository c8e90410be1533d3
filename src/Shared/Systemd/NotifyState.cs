namespace FdHandoff.Systemd;

/// <summary>
/// A state sent to systemd with sd_notify (sd_notify(3)): one or more <c>NAME=value</c> lines. Combine
/// with <c>+</c> (<c>NotifyState.Ready + NotifyState.Status("serving")</c>) to send them in one message.
/// </summary>
internal readonly struct NotifyState : IEquatable<NotifyState>
{
    /// <summary>The longest name systemd keeps for a stored descriptor (FDNAME).</summary>
    public const int MaxFdNameLength = 255;

    private readonly string? _value;

    /// <summary>A state as raw text, for assignments these helpers do not cover.</summary>
    public NotifyState(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>Start-up finished (Type=notify units are "active" from here).</summary>
    public static NotifyState Ready { get; } = new("READY=1");

    /// <summary>Reloading configuration; send <see cref="Ready"/> when done.</summary>
    public static NotifyState Reloading { get; } = new("RELOADING=1");

    /// <summary>Shutting down.</summary>
    public static NotifyState Stopping { get; } = new("STOPPING=1");

    /// <summary>A watchdog keep-alive ping (WatchdogSec=).</summary>
    public static NotifyState Watchdog { get; } = new("WATCHDOG=1");

    /// <summary>Asks systemd to act as if the watchdog had expired.</summary>
    public static NotifyState WatchdogTrigger { get; } = new("WATCHDOG=trigger");

    /// <summary>A one-line status shown by <c>systemctl status</c>; newlines become spaces.</summary>
    public static NotifyState Status(string text) => new("STATUS=" + text.ReplaceLineEndings(" "));

    /// <summary>The service's main process is now <paramref name="pid"/> (after a re-exec, say).</summary>
    public static NotifyState MainPid(int pid) => new("MAINPID=" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// Keep the descriptors sent with this message in the service's store under <paramref name="name"/>; they
    /// come back in LISTEN_FDS/LISTEN_FDNAMES after a restart. Needs FileDescriptorStoreMax= in the unit.
    /// </summary>
    /// <exception cref="ArgumentException">A name systemd would reject (see <see cref="IsValidFdName"/>).</exception>
    public static NotifyState FdStore(string name) => new("FDSTORE=1\nFDNAME=" + CheckFdName(name));

    /// <summary>Drops the stored descriptors named <paramref name="name"/>.</summary>
    public static NotifyState FdStoreRemove(string name) => new("FDSTOREREMOVE=1\nFDNAME=" + CheckFdName(name));

    /// <summary>True for a name systemd accepts in FDNAME: 1-255 printable ASCII characters, no <c>:</c>
    /// (the separator in LISTEN_FDNAMES).</summary>
    public static bool IsValidFdName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxFdNameLength && name.All(c => c is >= ' ' and <= '~' && c != ':');

    public static NotifyState operator +(NotifyState left, NotifyState right) =>
        left._value is null ? right : right._value is null ? left : new(left._value + "\n" + right._value);

    public static bool operator ==(NotifyState left, NotifyState right) => left.Equals(right);
    public static bool operator !=(NotifyState left, NotifyState right) => !left.Equals(right);

    public bool Equals(NotifyState other) => string.Equals(_value, other._value, StringComparison.Ordinal);
    public override bool Equals(object? obj) => obj is NotifyState other && Equals(other);
    public override int GetHashCode() => _value?.GetHashCode(StringComparison.Ordinal) ?? 0;

    /// <summary>The text sent to systemd.</summary>
    public override string ToString() => _value ?? "";

    private static string CheckFdName(string name) => IsValidFdName(name)
        ? name
        : throw new ArgumentException($"'{name}' cannot name stored descriptors: systemd takes 1-{MaxFdNameLength} printable ASCII characters without ':'", nameof(name));
}
