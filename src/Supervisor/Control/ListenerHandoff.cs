using System.Diagnostics;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// The hand-off step of a worker's life: a control connection said Hello; the listeners go to it if, and
/// only if, the peer is a worker the pool spawned, for that generation, presenting its token (invariant 3),
/// in batches of at most SCM_MAX_FD descriptors. Then the connection is the worker's message loop.
/// </summary>
internal sealed class ListenerHandoff(
    WorkerTable workers,
    WorkerMessageLoop messages,
    WorkerDrain drain,
    Metrics.SupervisorMetrics metrics,
    ILogger<ListenerHandoff> logger)
{
    /// <summary>Takes ownership of <paramref name="channel"/>. Returns once the worker's message loop runs.</summary>
    public void Attach(ControlChannel channel, PeerCredentials peer, HelloMessage hello)
    {
        var worker = TryConnect(peer.Pid, hello, channel, out string refusal);
        if (worker is null)
        {
            SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, refusal);
            metrics.ControlRefused(refusal);
            try { channel.Send(new ErrorMessage("refused: " + refusal)); } catch (IOException) { }
            channel.Dispose();
            return;
        }

        try
        {
            HandOff(worker, channel);
        }
        catch (IOException e)
        {
            SupervisorLog.HandoffFailed(logger, worker.Pid, worker.Generation, e.Message);
            drain.Drain(worker, "hand-off failed");
            return;
        }
        messages.Start(worker);
    }

    /// <summary>
    /// Finds the worker a control connection's Hello claims to be and moves it to Connected, or says why not. Only a
    /// process the pool spawned, presenting its own pid, generation and token, once, is taken (invariant 3).
    /// </summary>
    private WorkerProcess? TryConnect(int peerPid, HelloMessage hello, ControlChannel channel, out string refusal)
    {
        var worker = workers.Find(peerPid);
        refusal = worker is null ? "not a worker this supervisor spawned"
            : hello.Pid != peerPid ? $"claims pid {hello.Pid}"
            : hello.Generation != worker.Generation ? $"claims generation {hello.Generation}, was spawned for {worker.Generation}"
            : !worker.Presents(hello.Token) ? "wrong token"
            : "";
        if (refusal.Length > 0) return null;
        // The worker owns its channel from here; disposed when it exits.
        if (!worker!.Lifecycle.TryConnect(channel))
        {
            refusal = $"already said hello (state {worker.State})";
            return null;
        }
        channel.Peer = worker.ToString();
        return worker;
    }

    private void HandOff(WorkerProcess worker, ControlChannel channel)
    {
        // Only what its generation's plan holds (a reload may have added or dropped listeners since), in the
        // order and selection of that plan's Workers:Listeners.
        var all = ListenerSelection.Of(worker.Plan.Listeners, worker.Plan.Settings.Workers.Listeners);
        var clock = Stopwatch.StartNew();
        int batches = Math.Max(1, (all.Count + FdPassing.MaxDescriptorsPerMessage - 1) / FdPassing.MaxDescriptorsPerMessage);
        for (int b = 0; b < batches; b++)
        {
            var batch = all.Skip(b * FdPassing.MaxDescriptorsPerMessage).Take(FdPassing.MaxDescriptorsPerMessage).ToList();
            var entries = batch.Select(l => new ListenerEntry(l.Spec.Name, l.Spec.Address, l.Spec.Backlog)).ToList();
            SendLeased(channel, new ListenersMessage(b, b == batches - 1, all.Count, entries), batch, new int[batch.Count], 0);
        }
        worker.Lifecycle.TryHandOff();
        SupervisorLog.HandedOff(logger, worker.Pid, worker.Generation, all.Count, clock.Elapsed.TotalMilliseconds);
        metrics.ListenersHandedOff(all.Count, clock.Elapsed);
    }

    /// <summary>
    /// Sends <paramref name="message"/> with the batch's descriptors, each held by a <see cref="DescriptorLease"/>
    /// (one per listener, nested: a lease is a ref struct) until the send returns: a listener closed meanwhile
    /// is an error naming it, never a stale number that may be another file by now. The supervisor keeps its
    /// descriptors; the kernel installs copies in the worker.
    /// </summary>
    private static void SendLeased(ControlChannel channel, ListenersMessage message, IReadOnlyList<BoundListener> batch, int[] fds, int next)
    {
        if (next == batch.Count)
        {
            channel.Send(message, fds);
            return;
        }
        var listener = batch[next];
        DescriptorLease lease;
        try
        {
            lease = new DescriptorLease(listener.Socket.SafeHandle);
        }
        catch (ObjectDisposedException)
        {
            throw new IOException($"listener {listener.Spec.Name} ({listener.Spec.Address}) was closed before it could be handed off");
        }
        try
        {
            fds[next] = lease.Fd;
            SendLeased(channel, message, batch, fds, next + 1);
        }
        finally
        {
            lease.Dispose();
        }
    }
}
