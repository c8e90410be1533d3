using System.Globalization;

namespace FdHandoff.Systemd;

/// <summary>
/// The service watchdog systemd runs for a unit with WatchdogSec= (sd_watchdog_enabled(3)): the service must
/// send <see cref="NotifyState.Watchdog"/> at least every <see cref="Timeout"/> or be killed and restarted.
/// </summary>
internal sealed class WatchdogSettings
{
    private const string UsecVariable = "WATCHDOG_USEC";
    private const string PidVariable = "WATCHDOG_PID";

    private WatchdogSettings(TimeSpan timeout) => Timeout = timeout;

    /// <summary>How long systemd waits for a ping before it acts.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>How often to ping: half the timeout, as sd_watchdog_enabled(3) recommends, so one late
    /// ping is not fatal.</summary>
    public TimeSpan PingInterval => Timeout / 2;

    /// <summary>
    /// The watchdog for this process, or null when there is none (no WATCHDOG_USEC, or WATCHDOG_PID names
    /// another process). With <paramref name="unsetEnvironment"/>, both variables are removed from the
    /// environment .NET gives child processes, so workers do not think the watchdog is theirs.
    /// </summary>
    /// <exception cref="SystemdEnvironmentException">A variable holds something systemd would not write
    /// (not a number, a zero or infinite timeout).</exception>
    public static WatchdogSettings? FromEnvironment(bool unsetEnvironment = false)
    {
        try
        {
            return Parse(Environment.GetEnvironmentVariable(UsecVariable), Environment.GetEnvironmentVariable(PidVariable), Environment.ProcessId);
        }
        finally
        {
            if (unsetEnvironment)
            {
                Environment.SetEnvironmentVariable(UsecVariable, null);
                Environment.SetEnvironmentVariable(PidVariable, null);
            }
        }
    }

    // For testing: takes the variables' values and our pid.
    internal static WatchdogSettings? Parse(string? watchdogUsec, string? watchdogPid, int ourPid)
    {
        if (string.IsNullOrEmpty(watchdogUsec)) return null;
        if (!ulong.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out ulong usec) || usec == 0 || usec == ulong.MaxValue)
            throw new SystemdEnvironmentException(UsecVariable, watchdogUsec, "is not a watchdog timeout in microseconds");
        // Beyond TimeSpan's range no watchdog would ever fire; systemd writes nothing that large.
        if (usec > (ulong)(TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerMicrosecond))
            throw new SystemdEnvironmentException(UsecVariable, watchdogUsec, "is too large a watchdog timeout");

        if (!string.IsNullOrEmpty(watchdogPid))
        {
            if (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
                throw new SystemdEnvironmentException(PidVariable, watchdogPid, "is not a process id");
            if (pid != ourPid) return null; // the watchdog of the process we inherited the environment from
        }

        return new WatchdogSettings(TimeSpan.FromTicks((long)usec * TimeSpan.TicksPerMicrosecond));
    }
}
