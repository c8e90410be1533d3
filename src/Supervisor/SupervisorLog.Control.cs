using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// The control socket's lines (event ids 30-39): connections refused or failed, the socket file.
internal static partial class SupervisorLog
{
    [LoggerMessage(30, LogLevel.Warning, "Refused control connection from pid {PeerPid} uid {PeerUid}: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, int peerPid, uint peerUid, string reason);

    [LoggerMessage(31, LogLevel.Warning, "Control connection from pid {PeerPid} failed: {Reason}")]
    public static partial void ControlConnectionFailed(ILogger logger, int peerPid, string reason);

    [LoggerMessage(32, LogLevel.Warning, "Accept on the control socket failed: {Reason}")]
    public static partial void ControlAcceptFailed(ILogger logger, string reason);

    [LoggerMessage(33, LogLevel.Information, "Removing stale control socket {ControlSocket}")]
    public static partial void StaleControlSocketRemoved(ILogger logger, string controlSocket);
}
