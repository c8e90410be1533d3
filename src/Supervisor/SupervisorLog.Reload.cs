using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// Reload: a new configuration per upgrade (event ids 370-399).
internal static partial class SupervisorLog
{
    [LoggerMessage(370, LogLevel.Error, "Reload refused, generation {Generation} keeps serving unchanged: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, int generation, string reason);

    [LoggerMessage(371, LogLevel.Information, "Reload: configuration {Configuration} read and checked; listeners for generation {Generation}: {Listeners}")]
    public static partial void ReloadConfigurationRead(ILogger logger, string configuration, int generation, string listeners);

    [LoggerMessage(372, LogLevel.Information, "Listener {Listener} added on {Address} (fd {Fd}) for generation {Generation}")]
    public static partial void ListenerAdded(ILogger logger, string listener, string address, int fd, int generation);

    [LoggerMessage(373, LogLevel.Information, "Listener {Listener} ({Address}) is not handed to generation {Generation}; closed once the workers holding it have exited")]
    public static partial void ListenerRemoved(ILogger logger, string listener, string address, int generation);

    [LoggerMessage(374, LogLevel.Information, "Listener {Listener} ({Address}) closed: no worker holds it any more")]
    public static partial void ListenerClosed(ILogger logger, string listener, string address);

    [LoggerMessage(375, LogLevel.Information, "Listener {Listener} backlog {OldBacklog} -> {Backlog} (listen() again on the same socket)")]
    public static partial void ListenerBacklogChanged(ILogger logger, string listener, int oldBacklog, int backlog);

    [LoggerMessage(376, LogLevel.Warning, "Listener {Listener} ({Address}) belongs to a systemd socket unit: the configuration dropped it, but it is kept and handed to generation {Generation}; remove it from the .socket unit to drop it")]
    public static partial void AdoptedListenerKept(ILogger logger, string listener, string address, int generation);

    [LoggerMessage(377, LogLevel.Warning, "Listener {Listener} ({Address}) is served by no worker of generation {Generation}: connections to it wait in its backlog; {Advice}")]
    public static partial void ListenerUnserved(ILogger logger, string listener, string address, int generation, string advice);
}
