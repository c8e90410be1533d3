using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// One worker process: who it is (pid, generation plan, slot, token), fixed for its life, and its
/// <see cref="Lifecycle"/>, the one owner of everything about it that changes. The properties below that read
/// state are views of the lifecycle; every change goes through a lifecycle transition.
/// </summary>
internal sealed class WorkerProcess
{
    // 1 while the process runs at Workers:StartNice (StartPriority); cleared once, by whoever raises it first.
    private int _lowered;

    internal WorkerProcess(WorkerProcessHandle process, GenerationPlan plan, int slot, string token, int restarts, ProgramState? program = null,
        DateTimeOffset? startedAt = null, WorkerLifecycle? lifecycle = null)
    {
        Process = process;
        Pid = process.Pid;
        Plan = plan;
        Slot = slot;
        Token = token;
        Restarts = restarts;
        Program = program;
        StartedAt = startedAt ?? DateTimeOffset.UtcNow;
        Lifecycle = lifecycle ?? new WorkerLifecycle();
        StartTicks = Unix.ProcessStartTime.Of(Pid) ?? 0;
    }

    /// <summary>The kernel's start time of <see cref="Pid"/>: with it, the pid names this process for good.</summary>
    public ulong StartTicks { get; }

    /// <summary>Its process: spawned by this image, or taken over (re-exec, adoption after a crash). Owned by this worker.</summary>
    public WorkerProcessHandle Process { get; }
    public int Pid { get; }

    /// <summary>What its generation runs: command, count, timeouts. Fixed for the worker's life.</summary>
    public GenerationPlan Plan { get; }

    public int Generation => Plan.Generation;
    public int Slot { get; }

    /// <summary>The one-time token given at spawn; only a Hello that presents it gets listeners.</summary>
    private string Token { get; }

    /// <summary>How many times this slot was restarted after crashes in a row.</summary>
    public int Restarts { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Set for a systemd-protocol worker (a launcher that execs a program); null for our own protocol.</summary>
    public ProgramState? Program { get; }

    /// <summary>Where it is in its life, and every change of it.</summary>
    public WorkerLifecycle Lifecycle { get; }

    public WorkerState State => Lifecycle.State;
    public ControlChannel? Channel => Lifecycle.Channel;
    public int? ExitCode => Lifecycle.ExitCode;

    /// <summary>Said in its Ready that it accepts established connections handed over.</summary>
    public bool TakesConnections => Lifecycle.Report?.TakesConnections ?? false;

    /// <summary>The listeners its Ready said it serves; null if it did not say.</summary>
    public IReadOnlyList<string>? Serving => Lifecycle.Report?.Serving;

    /// <summary>Open connections as the worker last reported them; -1 until it reports.</summary>
    public int Connections => Lifecycle.Connections;

    /// <summary>The supervisor ended this worker (drain, roll back, stop): its exit is no crash.</summary>
    public bool Retired => Lifecycle.Drained;

    /// <summary>Completes when the worker reports ready; faults when it exits first.</summary>
    public Task Ready => Lifecycle.Ready;

    /// <summary>Completes when the process has exited and the pool has forgotten it.</summary>
    public Task Exited => Lifecycle.Gone;

    /// <summary>True when <paramref name="presented"/> is this worker's token (compared in constant time).</summary>
    internal bool Presents(string? presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token), Encoding.ASCII.GetBytes(presented ?? ""));

    /// <summary>Records that the process was lowered to Workers:StartNice (<see cref="StartPriority"/>).</summary>
    internal void MarkLowered() => Volatile.Write(ref _lowered, 1);

    /// <summary>It runs at Workers:StartNice now.</summary>
    internal bool Lowered => Volatile.Read(ref _lowered) == 1;

    /// <summary>True once, for the one caller that is to raise it back (ready, or the warm-up limit).</summary>
    internal bool TryClearLowered() => Interlocked.Exchange(ref _lowered, 0) == 1;

    /// <summary>The exception the readiness gate reports when this worker cannot become ready.</summary>
    internal WorkerFailedException Failure(string why) => new(this, why);

    /// <summary>This worker as data, to be written out with the supervisor's state.</summary>
    internal SavedState.WorkerRecord Snapshot()
    {
        var report = Lifecycle.Report;
        return new(Pid, StartTicks, Generation, Slot, Token, Restarts, StartedAt, Lifecycle.State.ToString(), Lifecycle.Drained,
            Lifecycle.DrainDeadline, report?.TakesConnections ?? false, report?.Serving, Connections, Lowered, Program?.ToRecord());
    }

    public override string ToString() => $"worker {Pid} (generation {Generation}, slot {Slot})";
}
