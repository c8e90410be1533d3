using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>Groups of the system's user database, as NSS sees them (/etc/group, LDAP, systemd-homed...).</summary>
internal static class UnixGroup
{
    /// <summary>
    /// The gid of the group named <paramref name="name"/>, or null when there is none. Not thread-safe
    /// (getgrnam(3) answers in a static buffer): for start-up only.
    /// </summary>
    internal static uint? Find(string name) => Accounts.GroupId(name);
}
