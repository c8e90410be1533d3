using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// The unix-socket listeners' lines (event ids 400-429), apart so they merge cleanly with the rest.
internal static partial class SupervisorLog
{
    [LoggerMessage(400, LogLevel.Warning, "Listener {Listener}: replaced the stale socket file {Path} (nobody listened on it; left by a crash?)")]
    public static partial void StaleUnixSocketReplaced(ILogger logger, string listener, string path);

    [LoggerMessage(401, LogLevel.Information, "Listener {Listener}: removed its socket file {Path}")]
    public static partial void UnixSocketRemoved(ILogger logger, string listener, string path);

    [LoggerMessage(402, LogLevel.Information, "Listener {Listener}: socket file {Path} kept for the next supervisor (its socket is in systemd's fd store)")]
    public static partial void UnixSocketKept(ILogger logger, string listener, string path);
}
