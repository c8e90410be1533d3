using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>Who this process acts as (geteuid(2)) and the groups of the system's user database (getgrnam(3)).</summary>
internal static class Accounts
{
    /// <summary>The effective uid: whom files are created for and permission checks see.</summary>
    internal static uint EffectiveUserId => geteuid();

    /// <summary>
    /// The gid of the group named <paramref name="name"/> as NSS sees it (/etc/group, LDAP, systemd-homed...), or
    /// null when there is none. Not thread-safe (getgrnam answers in a static buffer): for start-up only.
    /// </summary>
    internal static unsafe uint? GroupId(string name)
    {
        group* entry = getgrnam(name);
        return entry is null ? null : entry->gr_gid;
    }
}
