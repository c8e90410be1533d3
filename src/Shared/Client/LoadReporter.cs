using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// Sends the worker's count of open connections to the supervisor (for <c>fdhandoff status</c>) at most every
/// <see cref="Interval"/>, with the latest count: callers may report on every change at no cost. On the current
/// control channel (after a reattach, the adopting supervisor's).
/// </summary>
internal sealed class LoadReporter(Func<ControlChannel> channel, CancellationToken stopping)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Lock _lock = new();
    private int _latest = -1, _sent = -1;
    private bool _armed;

    public void Report(int open)
    {
        lock (_lock)
        {
            _latest = open;
            if (_armed) return;
            _armed = true;
        }
        _ = SendLaterAsync();
    }

    private async Task SendLaterAsync()
    {
        try
        {
            await Task.Delay(Interval, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        int load;
        lock (_lock)
        {
            _armed = false;
            load = _latest;
            if (load == _sent) return;
            _sent = load;
        }
        try { channel().Send(new LoadMessage(load)); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }
}
