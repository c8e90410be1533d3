using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// A process watched through a pidfd rather than <see cref="System.Diagnostics.Process"/>: what the supervisor holds
/// for a worker it did not spawn in this image (after re-executing itself, its children are no longer known to
/// .NET's Process, which reaps only children it started; after a crash, an adopted worker is not its child at all).
/// A thread of its own waits for the exit (a pidfd is readable once the process has exited), then reaps it with
/// waitid on that pidfd when it is our child (never waitpid(-1), which would take .NET's own children from it).
/// Signals go through the pidfd: never to a pid the kernel gave to another process since. Owns its pidfd.
/// </summary>
internal sealed class ProcessWatch : IDisposable
{
    private readonly SafeFd _pidfd;
    private readonly TaskCompletionSource<int?> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _disposed;

    private ProcessWatch(int pid, SafeFd pidfd)
    {
        Pid = pid;
        _pidfd = pidfd;
        new Thread(Watch) { IsBackground = true, Name = $"watch {pid}" }.Start();
    }

    public int Pid { get; }

    /// <summary>Completes when the process has exited: its exit code (128 + the signal if one killed it), or null when it is not our child (nobody here can know its code).</summary>
    public Task<int?> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>A watch on <paramref name="pid"/>, or null when no such process exists (any more).</summary>
    public static ProcessWatch? Open(int pid)
    {
        int errno = ProcessDescriptors.TryOpen(pid, out var pidfd);
        if (errno != 0) return null;
        return new ProcessWatch(pid, pidfd!);
    }

    /// <summary>Sends <paramref name="signal"/> (see <see cref="SignalName"/>); false when the process has exited.</summary>
    public bool Signal(int signal) => !_disposed && ProcessDescriptors.TrySignal(_pidfd, signal);

    /// <summary>SIGKILL; false when the process has exited.</summary>
    public bool Kill() => Signal(SignalName.Kill);

    private void Watch()
    {
        try
        {
            // Woken every second to notice a Dispose; the exit itself wakes it at once.
            while (!_disposed)
            {
                if (!ProcessDescriptors.WaitExited(_pidfd, TimeSpan.FromSeconds(1))) continue;
                int errno = ProcessDescriptors.TryReap(_pidfd, out int code);
                _exited.TrySetResult(errno == 0 ? code : null);
                return;
            }
        }
        finally
        {
            if (_disposed) _pidfd.Dispose();
        }
    }

    /// <summary>Stops watching. The pidfd is closed by the watching thread once it is out of poll (or here, if it is done).</summary>
    public void Dispose()
    {
        _disposed = true;
        if (HasExited) _pidfd.Dispose();
    }
}
