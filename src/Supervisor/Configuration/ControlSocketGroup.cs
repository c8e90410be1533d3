using System.Globalization;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>The group allowed on the control socket (<c>ControlSocketGroup</c>), as configured and as a gid.</summary>
internal sealed record ControlSocketGroup(string Name, uint Gid)
{
    /// <summary>A group name (looked up with getgrnam, so NSS groups work) or a numeric gid.</summary>
    public static ControlSocketGroup Resolve(string configured)
    {
        if (uint.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
            return new ControlSocketGroup(configured, gid);
        uint found = UnixGroup.Find(configured)
            ?? throw new SupervisorException($"ControlSocketGroup '{configured}' is not a group on this system (getent group {configured}): create it, or give a gid", SupervisorException.ConfigurationError);
        return new ControlSocketGroup(configured, found);
    }

    public override string ToString() => $"{Name} (gid {Gid})";
}
