namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// Holds the supervisor's control plane still at a message boundary, so its state can be written out whole: the
/// control socket's accept loop, each worker's message loop, the first-message waits of new connections and the
/// notify socket stop reading (nothing they read is half handled: every read is a whole datagram, and a wait is a
/// zero-byte peek) and keep their sockets open. What the peers send meanwhile waits in the kernel, for this image
/// again (<see cref="Resume"/>) or for the next one. Each loop takes <see cref="Token"/> when it starts reading and
/// registers with <see cref="Track"/>.
/// </summary>
internal sealed class ControlPlanePause
{
    private readonly Lock _lock = new();
    private readonly HashSet<Task> _running = [];
    private CancellationTokenSource _pause = new();

    /// <summary>Cancelled while paused: a loop that sees it stops reading and leaves its socket as it is.</summary>
    public CancellationToken Token { get { lock (_lock) return _pause.Token; } }

    public bool IsPaused { get { lock (_lock) return _pause.IsCancellationRequested; } }

    /// <summary>Raised by <see cref="Resume"/>: each paused part starts reading again.</summary>
    public event Action? Resumed;

    /// <summary>A loop that reads until paused (or done): <see cref="PauseAsync"/> waits for it to stop.</summary>
    public void Track(Task loop)
    {
        lock (_lock) _running.Add(loop);
        _ = loop.ContinueWith(t => { lock (_lock) _running.Remove(t); }, TaskScheduler.Default);
    }

    /// <summary>Stops every tracked loop at a message boundary and returns once all have stopped.</summary>
    public async Task PauseAsync()
    {
        Task[] running;
        lock (_lock)
        {
            _pause.Cancel();
            running = [.. _running];
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>Returns once the control plane reads again (or <paramref name="stopping"/> is cancelled).</summary>
    public async Task WaitResumedAsync(CancellationToken stopping)
    {
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnResumed() => resumed.TrySetResult();
        Resumed += OnResumed;
        if (!IsPaused) resumed.TrySetResult();
        try
        {
            await resumed.Task.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Resumed -= OnResumed;
        }
    }

    /// <summary>Reads again (the re-exec did not happen).</summary>
    public void Resume()
    {
        lock (_lock)
        {
            if (!_pause.IsCancellationRequested) return;
            _pause.Dispose();
            _pause = new CancellationTokenSource();
        }
        Resumed?.Invoke();
    }
}
