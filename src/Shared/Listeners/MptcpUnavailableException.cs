namespace FdHandoff.Listeners;

/// <summary>
/// socket(IPPROTO_MPTCP) failed: the kernel has no MPTCP (EPROTONOSUPPORT, and no net.mptcp sysctls) or it
/// is switched off in this network namespace (ENOPROTOOPT, net.mptcp.enabled = 0).
/// </summary>
internal sealed class MptcpUnavailableException : ListenerSocketException
{
    /// <summary>Where the kernel says whether MPTCP is on; absent on a kernel without MPTCP.</summary>
    internal const string SysctlFile = "/proc/sys/net/mptcp/enabled";

    internal MptcpUnavailableException(ListenerSpec spec, string attempted, int errno)
        : this(spec, attempted, errno, ReadSysctl())
    {
    }

    // For testing: the sysctl as it would read on another kernel.
    internal MptcpUnavailableException(ListenerSpec spec, string attempted, int errno, string? enabled)
        : base(spec, attempted, errno)
    {
        Enabled = enabled;
    }

    /// <summary>net.mptcp.enabled as read when the call failed ("0", "1"), or null when the kernel has no such sysctl.</summary>
    public string? Enabled { get; }

    /// <summary>The kernel has MPTCP but it is switched off (rather than missing).</summary>
    public bool IsDisabled => Enabled is not null;

    private static string? ReadSysctl()
    {
        try
        {
            return File.ReadAllText(SysctlFile).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
