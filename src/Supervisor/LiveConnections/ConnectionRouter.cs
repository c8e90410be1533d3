using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.LiveConnections;

/// <summary>
/// Moves established connections from retiring workers to the serving generation. The supervisor never
/// reads or writes a connection: it holds a copy of its descriptor while it is in transit, so that if the
/// receiving worker dies before it says it took it, the connection goes to another ready worker. Only a
/// worker of a retiring generation may hand over, only to a ready worker of the serving one; the rest is
/// refused and the asker keeps its connection. The supervisor closes its copy when a worker took the
/// connection, or when no worker of either generation can have it (logged).
/// Over 250 lines on purpose: one concept, the table of connections in transit and every rule over it (check,
/// route, take, reroute when a receiver dies, give up, save and restore across a re-exec), under one lock; split,
/// the pieces would share the lock and the table, and each would be read only with the others.
/// </summary>
internal sealed class ConnectionRouter(WorkerPool pool, ListenerSet listeners, ILogger<ConnectionRouter> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Transit> _inTransit = [];
    private readonly Dictionary<int, HandOverTally> _byGeneration = [];
    // Per worker pid: connections it handed over that nobody took yet, and connections it received.
    private readonly Dictionary<int, int> _inTransitFrom = [];
    private readonly Dictionary<int, int> _receivedBy = [];
    private long _nextTransitId;
    private int _nextTarget;

    /// <summary>Connections handed over and not yet taken by a serving worker.</summary>
    public int InTransit { get { lock (_lock) return _inTransit.Count; } }

    /// <summary>Connections handed over to the worker of <paramref name="pid"/> (for status).</summary>
    public int ReceivedBy(int pid)
    {
        lock (_lock) return _receivedBy.GetValueOrDefault(pid);
    }

    /// <summary>What the hand-over of <paramref name="generation"/>'s connections came to so far.</summary>
    public HandOverTally TallyOf(int generation)
    {
        lock (_lock) return _byGeneration.GetValueOrDefault(generation) ?? new HandOverTally();
    }

    /// <summary>A HandOver from <paramref name="from"/>. Takes ownership of <paramref name="frame"/>'s descriptor.</summary>
    public void HandOver(WorkerProcess from, ControlFrame frame)
    {
        var request = frame.Read<HandOverMessage>();
        string? refusal = Check(from, request, frame.DescriptorCount);
        if (refusal is not null)
        {
            // The asker keeps its copy; ours (if it came) closes with the frame.
            SupervisorLog.HandOverRefused(logger, from.Pid, from.Generation, request.Listener, refusal);
            Tell(from, new HandOverResultMessage(request.Id, false, refusal));
            lock (_lock)
            {
                var refused = Tally(from.Generation);
                refused.Refused++;
                refused.LastReason = refusal;
            }
            return;
        }
        var transit = new Transit(Interlocked.Increment(ref _nextTransitId), frame.TakeDescriptors()[0], from, request);
        lock (_lock)
        {
            _inTransit.Add(transit.Id, transit);
            _inTransitFrom[from.Pid] = _inTransitFrom.GetValueOrDefault(from.Pid) + 1;
        }
        Route(transit);
    }

    private string? Check(WorkerProcess from, HandOverMessage request, int descriptors)
    {
        if (descriptors != ConnectionHandOver.ConnectionsPerMessage)
            return $"a hand-over carries exactly {ConnectionHandOver.ConnectionsPerMessage} descriptor, this one {descriptors}";
        if (request.State is null || request.State.Length > ConnectionHandOver.MaxStateBytes)
            return $"state of {request.State?.Length ?? 0} bytes is above the {ConnectionHandOver.MaxStateBytes}-byte limit";
        if (!listeners.All.Any(l => l.Spec.Name == request.Listener))
            return $"no listener named '{request.Listener}'";
        if (pool.Stopping.IsCancellationRequested)
            return "the supervisor is stopping: no generation takes connections";
        int serving = pool.Slots.ServingGeneration;
        if (from.Generation == serving)
            return $"generation {serving} serves: only a retiring worker hands connections over (a restarted slot has no successor)";
        if (from.State != WorkerState.Draining)
            return $"worker is {from.State.ToString().ToLowerInvariant()}, not draining";
        lock (_lock)
        {
            if (_inTransitFrom.GetValueOrDefault(from.Pid) >= ConnectionHandOver.MaxInTransitPerWorker)
                return $"{ConnectionHandOver.MaxInTransitPerWorker} connections of this worker are in transit already";
        }
        return null;
    }

    /// <summary>Sends the connection to the next ready worker of the serving generation, or gives up on it.</summary>
    private void Route(Transit transit)
    {
        while (true)
        {
            var target = PickTarget(transit);
            if (target is null)
            {
                GiveUp(transit, $"no ready worker of generation {pool.Slots.ServingGeneration} takes connections");
                return;
            }
            lock (_lock) transit.To = target;
            try
            {
                target.Channel!.Send(new ConnectionMessage(transit.Id, transit.Request.Listener, transit.Request.State), [transit.Fd.Value]);
                return;
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                SupervisorLog.ConnectionRerouted(logger, target.Pid, target.Generation, e.Message);
                lock (_lock) transit.Tried.Add(target.Pid);
            }
        }
    }

    private WorkerProcess? PickTarget(Transit transit)
    {
        int serving = pool.Slots.ServingGeneration;
        var ready = pool.Table
            .Where(w => w.Generation == serving && w.State == WorkerState.Ready && w.TakesConnections && w.Channel is not null && !transit.Tried.Contains(w.Pid))
            .OrderBy(w => w.Slot)
            .ToList();
        if (ready.Count == 0) return null;
        // Round robin: every ready worker gets its share of the moved connections.
        return ready[(int)((uint)Interlocked.Increment(ref _nextTarget) % (uint)ready.Count)];
    }

    /// <summary>A ConnectionTaken from <paramref name="to"/>: its application has the connection; ours closes.</summary>
    public void Taken(WorkerProcess to, ControlFrame frame)
    {
        var taken = frame.Read<ConnectionTakenMessage>();
        Transit? transit;
        lock (_lock)
        {
            if (!_inTransit.TryGetValue(taken.TransitId, out transit) || transit.To != to)
                transit = null;
            else
            {
                _inTransit.Remove(transit.Id);
                LeftTransitLocked(transit.From);
                _receivedBy[to.Pid] = _receivedBy.GetValueOrDefault(to.Pid) + 1;
                Tally(transit.From.Generation).Moved++;
            }
        }
        if (transit is null)
        {
            SupervisorLog.UnexpectedMessage(logger, to.Pid, to.Generation, $"ConnectionTaken for {taken.TransitId}, not sent to it", frame.DescriptorCount);
            return;
        }
        transit.Fd.Dispose();
        Tell(transit.From, new HandOverResultMessage(transit.Request.Id, true, ""));
    }

    /// <summary>
    /// <paramref name="worker"/>'s control connection ended: what was sent to it and not taken goes to
    /// another ready worker (the supervisor still holds each); what it was handing over goes on.
    /// </summary>
    public void WorkerGone(WorkerProcess worker)
    {
        List<Transit> orphaned;
        lock (_lock)
        {
            _receivedBy.Remove(worker.Pid); // its count goes with it: the map stays bounded
            orphaned = _inTransit.Values.Where(t => t.To == worker).ToList();
            foreach (var t in orphaned)
            {
                t.Tried.Add(worker.Pid);
                t.To = null;
            }
        }
        if (orphaned.Count > 0) SupervisorLog.ConnectionsOrphaned(logger, worker.Pid, worker.Generation, orphaned.Count);
        foreach (var t in orphaned) Route(t);
    }

    private void GiveUp(Transit transit, string why)
    {
        bool askerAlive;
        lock (_lock)
        {
            if (!_inTransit.Remove(transit.Id)) return;
            LeftTransitLocked(transit.From);
            askerAlive = transit.From.State is not WorkerState.Exited && transit.From.Channel is not null;
            var tally = Tally(transit.From.Generation);
            if (askerAlive) tally.Refused++;
            else tally.Closed++;
            tally.LastReason = why;
        }
        // Ours closes; if the asker still lives it keeps the connection and closes it gracefully itself.
        transit.Fd.Dispose();
        if (askerAlive && Tell(transit.From, new HandOverResultMessage(transit.Request.Id, false, why)))
            SupervisorLog.HandOverRefused(logger, transit.From.Pid, transit.From.Generation, transit.Request.Listener, why);
        else
            SupervisorLog.ConnectionClosed(logger, transit.From.Pid, transit.From.Generation, transit.Request.Listener, why);
    }

    private static bool Tell(WorkerProcess worker, HandOverResultMessage result)
    {
        try
        {
            worker.Channel?.Send(result);
            return worker.Channel is not null;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            return false; // it exited meanwhile: its copy closed with it
        }
    }

    /// <summary>
    /// Takes over what the previous image's router held (a re-exec): tallies, counts, and each connection in transit with
    /// its descriptor (<paramref name="fdOf"/>, by transit id; ownership comes here). A transit whose sender is gone is
    /// closed; one that was sent to nobody yet, or to a worker now gone, is routed again.
    /// </summary>
    public void Restore(SavedState.HandOverRecord saved, Func<long, SafeFd?> fdOf, Func<int, WorkerProcess?> workerOf)
    {
        var unsent = new List<Transit>();
        lock (_lock)
        {
            foreach (var (generation, t) in saved.ByGeneration)
                _byGeneration[generation] = new HandOverTally { Moved = t.Moved, Refused = t.Refused, Closed = t.Closed, LastReason = t.LastReason };
            foreach (var (pid, count) in saved.ReceivedBy) _receivedBy[pid] = count;
            _nextTransitId = saved.LastTransitId;
            foreach (var record in saved.InTransit)
            {
                var fd = fdOf(record.Id);
                if (fd is null) continue;
                if (workerOf(record.FromPid) is not { } from)
                {
                    fd.Dispose();
                    continue;
                }
                var transit = new Transit(record.Id, fd, from, new HandOverMessage(record.RequestId, record.Listener, record.State)) { To = record.ToPid == 0 ? null : workerOf(record.ToPid) };
                foreach (int pid in record.Tried) transit.Tried.Add(pid);
                _inTransit.Add(transit.Id, transit);
                _inTransitFrom[from.Pid] = _inTransitFrom.GetValueOrDefault(from.Pid) + 1;
                if (transit.To is null) unsent.Add(transit);
            }
        }
        foreach (var transit in unsent) Route(transit);
    }

    /// <summary>Each connection in transit and the supervisor's copy of it (still owned here): what a re-exec keeps for the next image.</summary>
    public IReadOnlyList<(long Id, SafeFd Fd)> TransitDescriptors()
    {
        lock (_lock) return _inTransit.Values.OrderBy(t => t.Id).Select(t => (t.Id, t.Fd)).ToList();
    }

    /// <summary>What the router holds, as data (each transit's descriptor stays here, named by its id).</summary>
    public SavedState.HandOverRecord Snapshot()
    {
        lock (_lock)
            return new(
                _byGeneration.ToDictionary(t => t.Key, t => new SavedState.TallyRecord(t.Value.Moved, t.Value.Refused, t.Value.Closed, t.Value.LastReason)),
                new Dictionary<int, int>(_receivedBy),
                _inTransit.Values.OrderBy(t => t.Id).Select(t => new SavedState.TransitRecord(t.Id, t.From.Pid, t.To?.Pid ?? 0, t.Request.Id, t.Request.Listener, t.Request.State, [.. t.Tried])).ToList(),
                Interlocked.Read(ref _nextTransitId));
    }

    private void LeftTransitLocked(WorkerProcess from)
    {
        if (_inTransitFrom.GetValueOrDefault(from.Pid) <= 1) _inTransitFrom.Remove(from.Pid);
        else _inTransitFrom[from.Pid]--;
    }

    private HandOverTally Tally(int generation)
    {
        if (!_byGeneration.TryGetValue(generation, out var tally)) _byGeneration[generation] = tally = new HandOverTally();
        return tally;
    }

    private sealed class Transit(long id, SafeFd fd, WorkerProcess from, HandOverMessage request)
    {
        public long Id { get; } = id;
        /// <summary>The supervisor's copy, owned here until taken or given up.</summary>
        public SafeFd Fd { get; } = fd;
        public WorkerProcess From { get; } = from;
        public HandOverMessage Request { get; } = request;
        public WorkerProcess? To { get; set; }
        public HashSet<int> Tried { get; } = [];
    }
}
