namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Settings a reload cannot apply, because what they configure lives for the supervisor's life (the control
/// socket, the metrics endpoint, the pool's restart backoff, the workers' notify socket and watchdog): a reload that changes one is refused, never half-applied.
/// </summary>
internal static class StartOnlySettings
{
    public static void Check(SupervisorSettings atStart, SupervisorSettings next)
    {
        Same("ControlSocket", atStart.ControlSocketPath, next.ControlSocketPath);
        Same("ControlSocketGroup", atStart.ControlSocketGroup?.Name ?? "(none)", next.ControlSocketGroup?.Name ?? "(none)");
        Same("Control:FirstMessageTimeout", atStart.FirstMessageTimeout.ToString("c"), next.FirstMessageTimeout.ToString("c"));
        Same("Workers:RestartBackoff", atStart.Workers.RestartBackoff.ToString("c"), next.Workers.RestartBackoff.ToString("c"));
        Same("Workers:MaxRestartBackoff", atStart.Workers.MaxRestartBackoff.ToString("c"), next.Workers.MaxRestartBackoff.ToString("c"));
        // The metrics endpoint is bound once, at start.
        Same("Metrics:Listen", atStart.MetricsListen?.ToString() ?? "(none)", next.MetricsListen?.ToString() ?? "(none)");
        // The notify socket (served only for systemd-protocol workers), its access rule and the watchdog run for
        // the supervisor's life.
        Same("Workers:Protocol", atStart.Workers.Protocol.ToString(), next.Workers.Protocol.ToString());
        Same("Workers:NotifyAccess", atStart.Workers.NotifyAccess.ToString(), next.Workers.NotifyAccess.ToString());
        Same("Workers:WatchdogSec", atStart.Workers.WatchdogSec.ToString(System.Globalization.CultureInfo.InvariantCulture), next.Workers.WatchdogSec.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static void Same(string key, string before, string after)
    {
        if (before != after)
            throw new SupervisorException($"{key} changed ({before} -> {after}) but is read only at start: put back {before}, or restart the supervisor to apply it", SupervisorException.ConfigurationError);
    }
}
