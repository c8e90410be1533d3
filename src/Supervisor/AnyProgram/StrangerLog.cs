using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// Logs notifications that count for no worker at most once a second, with how many were not logged since:
/// a rogue sender flooding the notify socket costs a line a second, not a disk.
/// </summary>
internal sealed class StrangerLog(ILogger logger)
{
    private DateTimeOffset _next;
    private int _suppressed;

    public void Refused(int pid, uint uid, string why)
    {
        var now = DateTimeOffset.UtcNow;
        if (now < _next)
        {
            _suppressed++;
            return;
        }
        SupervisorLog.NotifyRefused(logger, pid, uid, why, _suppressed);
        _suppressed = 0;
        _next = now + TimeSpan.FromSeconds(1);
    }
}
