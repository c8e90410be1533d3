using FdHandoff.Listeners;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>Checks the keys of systemd-protocol workers and <c>Workers:Listeners</c> before anything is bound or spawned.</summary>
internal static class SystemdWorkerCheck
{
    private const double MinWatchdogSec = 0.004, MaxWatchdogSec = 4_000_000;

    public static void Check(WorkerSettings workers, IReadOnlyList<ListenerSpec> listeners)
    {
        var names = listeners.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in workers.Listeners)
        {
            if (!names.Contains(name))
                throw new SupervisorException($"Workers:Listeners names '{name}', which is not a configured listener ({string.Join(", ", names)}): fix the name or add it under Listeners", SupervisorException.ConfigurationError);
        }
        var twice = workers.Listeners.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new SupervisorException($"Workers:Listeners names '{twice.Key}' twice: name each listener once", SupervisorException.ConfigurationError);
        if (workers.Protocol != WorkerProtocol.Systemd) return;

        if (SignalName.Parse(workers.DrainSignal) is not { } signal)
            throw new SupervisorException($"Workers:DrainSignal '{workers.DrainSignal}' is not a signal: use one of {SignalName.Names} (or a number)", SupervisorException.ConfigurationError);
        if (SignalName.WhyNotGraceful(signal) is { } why)
            throw new SupervisorException($"Workers:DrainSignal is '{workers.DrainSignal}': a drain asks the worker to finish and exit, and {why}; use SIGTERM (the default) or the program's graceful-stop signal", SupervisorException.ConfigurationError);
        // WorkerWatchdog checks every quarter of it with a PeriodicTimer, whose period must be 1 ms to 2^32-2 ms:
        // 4 ms is the least that works (less threw once the supervisor ran); 4,000,000 s (46 days) is far inside.
        if (workers.WatchdogSec != 0 && !(workers.WatchdogSec >= MinWatchdogSec && workers.WatchdogSec <= MaxWatchdogSec))
            throw new SupervisorException($"Workers:WatchdogSec is {workers.WatchdogSec.ToString(System.Globalization.CultureInfo.InvariantCulture)}: use 0 (no watchdog) or a number of seconds from {MinWatchdogSec.ToString(System.Globalization.CultureInfo.InvariantCulture)} to {MaxWatchdogSec:0}", SupervisorException.ConfigurationError);
        if (workers.ReadyDelay < TimeSpan.Zero)
            throw new SupervisorException("Workers:ReadyDelay must not be negative (e.g. 00:00:01)", SupervisorException.ConfigurationError);
        // systemd's LISTEN_FDNAMES separates names with ':'; a name with one would shift every later name.
        foreach (var l in listeners.Where(l => l.Name.Contains(':')))
            throw new SupervisorException($"listener '{l.Name}' cannot be passed in LISTEN_FDNAMES (':' separates the names): rename it", SupervisorException.ConfigurationError);
    }
}
