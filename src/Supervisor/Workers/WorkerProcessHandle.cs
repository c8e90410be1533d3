using System.Diagnostics;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// A worker's process, however this image of the supervisor holds it: a child it spawned (<see cref="Process"/>,
/// reaped by .NET) or one it took over (a <see cref="ProcessWatch"/> on a pidfd: a child of the image it
/// re-executed from, or a worker of a supervisor that died). The worker owns its handle.
/// </summary>
internal abstract class WorkerProcessHandle : IDisposable
{
    public abstract int Pid { get; }

    /// <summary>True once the process has exited (and, for a child, been reaped: its pid cannot be reused before).</summary>
    public abstract bool HasExited { get; }

    /// <summary>Completes at the exit: the exit code (128 + the signal that killed it), or null when nobody here can know it (not our child).</summary>
    public abstract Task<int?> WaitForExitAsync();

    /// <summary>SIGKILL, only while the process is the one this handle refers to.</summary>
    public abstract void Kill();

    public abstract void Dispose();

    /// <summary>A process this image started.</summary>
    public static WorkerProcessHandle Spawned(Process process) => new SpawnedHandle(process);

    /// <summary>A process this image did not start, watched through a pidfd; null when it is gone.</summary>
    public static WorkerProcessHandle? TakenOver(int pid) => ProcessWatch.Open(pid) is { } watch ? new WatchedHandle(watch) : null;

    private sealed class SpawnedHandle(Process process) : WorkerProcessHandle
    {
        public override int Pid { get; } = process.Id;
        public override bool HasExited => process.HasExited;

        public override async Task<int?> WaitForExitAsync()
        {
            await process.WaitForExitAsync().ConfigureAwait(false);
            return process.ExitCode;
        }

        // .NET reaps a child on SIGCHLD, before the pool marks it exited: HasExited sees a reaped one, so the pid can
        // only be reused in the instant between this check and the kill (as with Process.Kill).
        public override void Kill()
        {
            if (!process.HasExited) ProcessSignals.Kill(Pid);
        }

        public override void Dispose() => process.Dispose();
    }

    private sealed class WatchedHandle(ProcessWatch watch) : WorkerProcessHandle
    {
        public override int Pid => watch.Pid;
        public override bool HasExited => watch.HasExited;
        public override Task<int?> WaitForExitAsync() => watch.Exited;
        public override void Kill() => watch.Kill();
        public override void Dispose() => watch.Dispose();
    }
}
