using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

/// <summary>
/// Every log line of the supervisor, with fixed event ids, one partial file per part of the supervisor and
/// id range (docs/operations.md has the table): 1-9 start-up (listeners, control socket, systemd) here,
/// 10-29 workers, 30-39 control, 40-49 upgrades, 50-59 live connections, 300-339 systemd-protocol workers,
/// 340-369 metrics, 370-399 reload, 400-429 unix-socket listeners, 430-459 rolling upgrades, 460-469 start
/// priority. The placeholders become structured properties (Generation, WorkerPid, Listener...) and so
/// journal fields (GENERATION, WORKER_PID...); tests wait on the id and these properties, not the wording.
/// </summary>
internal static partial class SupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "Listener {Listener} bound on {Address} (fd {Fd})")]
    public static partial void ListenerBound(ILogger logger, string listener, string address, int fd);

    [LoggerMessage(2, LogLevel.Information, "Control socket listening on {ControlSocket}")]
    public static partial void ControlSocketListening(ILogger logger, string controlSocket);

    [LoggerMessage(3, LogLevel.Information, "Listener {Listener} adopted from systemd on {Address} (fd {Fd})")]
    public static partial void ListenerAdopted(ILogger logger, string listener, string address, int fd);

    [LoggerMessage(4, LogLevel.Warning, "systemd passed fd {Fd} named '{Listener}' but no listener of that name is configured: closed")]
    public static partial void PassedFdUnclaimed(ILogger logger, string listener, int fd);

    [LoggerMessage(5, LogLevel.Information, "Listener {Listener} kept in systemd's fd store")]
    public static partial void ListenerStored(ILogger logger, string listener);

    [LoggerMessage(6, LogLevel.Warning, "systemd notification failed: {Reason}")]
    public static partial void NotifyFailed(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Information, "systemd watchdog: pinging every {PingMs:0} ms")]
    public static partial void WatchdogEnabled(ILogger logger, double pingMs);

    [LoggerMessage(8, LogLevel.Error, "systemd watchdog: not pinging, the supervisor is not healthy: {Reason}")]
    public static partial void WatchdogWithheld(ILogger logger, string reason);

    [LoggerMessage(9, LogLevel.Error, "Starting WITHOUT listener {Listener} (SkipUnavailableSctp): {Reason}")]
    public static partial void ListenerSkipped(ILogger logger, string listener, string reason);
}
