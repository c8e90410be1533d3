using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using FdHandoff.Protocol;

namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// One worker process and what the supervisor knows of it. Owns its control channel once attached.
/// State changes happen under the pool's lock.
/// </summary>
internal sealed class WorkerProcess
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal WorkerProcess(Process process, GenerationPlan plan, int slot, string token, int restarts)
    {
        Process = process;
        Pid = process.Id;
        Plan = plan;
        Slot = slot;
        Token = token;
        Restarts = restarts;
        StartedAt = DateTimeOffset.UtcNow;
    }

    public Process Process { get; }
    public int Pid { get; }
    /// <summary>What its generation runs: command, count, timeouts. Fixed for the worker's life.</summary>
    public GenerationPlan Plan { get; }

    public int Generation => Plan.Generation;
    public int Slot { get; }

    /// <summary>The one-time token given at spawn; only a Hello that presents it gets listeners.</summary>
    private string Token { get; }

    /// <summary>True when <paramref name="presented"/> is this worker's token (compared in constant time).</summary>
    internal bool Presents(string? presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Token), Encoding.ASCII.GetBytes(presented ?? ""));

    /// <summary>How many times this slot was restarted after crashes in a row.</summary>
    public int Restarts { get; }

    public DateTimeOffset StartedAt { get; }
    public WorkerState State { get; internal set; } = WorkerState.Spawned;
    public int? ExitCode { get; internal set; }

    // 1 while the process runs at Workers:StartNice (StartPriority); cleared once, by whoever raises it first.
    private int _lowered;

    /// <summary>Records that the process was lowered to Workers:StartNice (<see cref="StartPriority"/>).</summary>
    internal void MarkLowered() => Volatile.Write(ref _lowered, 1);

    /// <summary>True once, for the one caller that is to raise it back (ready, or the warm-up limit).</summary>
    internal bool TryClearLowered() => Interlocked.Exchange(ref _lowered, 0) == 1;

    /// <summary>Set when the supervisor itself ended this worker (drain, rollback): its exit is no crash.</summary>
    internal bool Retired { get; set; }

    internal ControlChannel? Channel { get; set; }

    /// <summary>Set for a systemd-protocol worker (a launcher that execs a program); null for our own protocol.</summary>
    internal ProgramState? Program { get; init; }

    /// <summary>Connections this worker handed over that no worker has taken yet (under the router's lock).</summary>
    internal int ConnectionsInTransit { get; set; }

    /// <summary>Said in its Ready that it accepts established connections handed over.</summary>
    public bool TakesConnections { get; internal set; }

    /// <summary>The listeners its Ready said it serves; null if it did not say.</summary>
    public IReadOnlyList<string>? Serving { get; internal set; }

    /// <summary>Open connections as the worker last reported them; -1 until it reports.</summary>
    public int Connections { get; internal set; } = -1;

    /// <summary>Connections handed over to this worker from a retiring one (under the router's lock).</summary>
    public int ConnectionsReceived { get; internal set; }

    /// <summary>Completes when the worker reports ready; faults when it exits first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Completes when the process has exited and the pool has forgotten it.</summary>
    public Task Exited => _exited.Task;

    internal void MarkExited() => _exited.TrySetResult();

    internal void MarkReady() => _ready.TrySetResult();

    internal void MarkFailed(string why) => _ready.TrySetException(new WorkerFailedException(this, why));

    public override string ToString() => $"worker {Pid} (generation {Generation}, slot {Slot})";
}
