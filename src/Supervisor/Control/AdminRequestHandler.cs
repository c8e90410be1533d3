using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Answers <c>fdhandoff upgrade</c>, <c>status</c> and <c>reexec</c>, for the owner's uid, root, or a member of
/// the configured ControlSocketGroup (primary or supplementary group, as the kernel recorded them at connect).
/// Owns each request's connection until it is answered (then closes it), or until a re-exec passes it on.
/// </summary>
internal sealed class AdminRequestHandler(
    SupervisorSettings settings,
    UpgradeQueue upgrades,
    PendingAdmin pending,
    Resilience.Reexec reexec,
    WorkerTable table,
    SlotTable slots,
    UpgradeHistory history,
    ListenerSet listeners,
    ConnectionRouter router,
    Resilience.SupervisorLife life,
    Metrics.SupervisorMetrics metrics,
    ILogger<AdminRequestHandler> logger)
{
    public async Task HandleAsync(ControlChannel channel, PeerCredentials peer, ControlFrame request)
    {
        try
        {
            await AnswerAsync(channel, peer, request).ConfigureAwait(false);
        }
        finally
        {
            channel.Dispose();
        }
    }

    /// <summary>An upgrade the previous image accepted and did not answer (it re-executed first): asked again here, answered on its connection.</summary>
    public async Task AnswerUpgradeAsync(ControlChannel channel, string reason, int peerPid)
    {
        try
        {
            using var waiting = pending.Wait("upgrade", channel, reason, peerPid);
            channel.Send(UpgradeReply.From(await upgrades.RequestUpgradeAsync(reason).ConfigureAwait(false)));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The asker went away: nobody to answer.
        }
        finally
        {
            channel.Dispose();
        }
    }

    private async Task AnswerAsync(ControlChannel channel, PeerCredentials peer, ControlFrame request)
    {
        uint owner = UnixUser.EffectiveId;
        if (!IsAllowed(channel, peer, owner))
        {
            string who = settings.ControlSocketGroup is { } g ? $"uid {owner}, root or group {g}" : $"uid {owner} or root";
            SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, $"{request.Kind} needs {who}");
            metrics.ControlRefused("needs the owner's uid, root or the group");
            channel.Send(new ErrorMessage($"permission denied: {request.Kind} needs {who}"));
            return;
        }
        switch (request.Kind)
        {
            case MessageKind.UpgradeRequest:
                var asked = request.Read<UpgradeRequest>().Reason;
                var reason = $"{asked} (pid {peer.Pid})";
                SupervisorLog.UpgradeRequested(logger, peer.Pid, peer.Uid, asked);
                using (pending.Wait("upgrade", channel, reason, peer.Pid))
                    channel.Send(UpgradeReply.From(await upgrades.RequestUpgradeAsync(reason).ConfigureAwait(false)));
                break;
            case MessageKind.ReexecRequest:
                var why = $"{request.Read<ReexecRequest>().Reason} (pid {peer.Pid})";
                // Returns only when the re-exec did not happen: the new image answers on this connection otherwise.
                channel.Send(await reexec.RunAsync(channel, why, peer.Pid).ConfigureAwait(false));
                break;
            case MessageKind.StatusRequest:
                channel.Send(BuildStatus());
                break;
        }
    }

    private bool IsAllowed(ControlChannel channel, PeerCredentials peer, uint owner)
    {
        if (peer.Uid == owner || peer.Uid == 0) return true;
        if (settings.ControlSocketGroup is not { } group) return false;
        return peer.Gid == group.Gid || channel.PeerGroups.Contains(group.Gid);
    }

    public StatusReply BuildStatus()
    {
        var now = DateTimeOffset.UtcNow;
        var all = table.All;
        int servingGeneration = slots.ServingGeneration;
        var workers = all
            .OrderBy(w => w.Generation).ThenBy(w => w.Slot)
            .Select(w => new WorkerStatus(w.Slot, w.Pid, w.Generation, w.State.ToString().ToLowerInvariant(), Math.Round((now - w.StartedAt).TotalSeconds, 1), w.Restarts, w.Connections, router.ReceivedBy(w.Pid), w.Program?.Status))
            .ToList();
        var known = all.Select(w => w.Plan).ToList();
        // The serving plan even when none of its workers is alive at the moment (all crashed, restarts pending).
        if (slots.PlanOf(servingGeneration) is { } servingPlan) known.Add(servingPlan);
        var plans = known.DistinctBy(p => p.Generation).OrderBy(p => p.Generation).ToList();
        var generations = plans.Select(p => new GenerationStatus(p.Generation, p.Settings.Version.File, p.Settings.Version.Hash, p.Settings.Version.Modified, p.Listeners.Select(l => l.Spec.Name).ToList())).ToList();
        var serving = plans.FirstOrDefault(p => p.Generation == servingGeneration)?.Listeners ?? [];
        // A listener the serving generation was not handed is a dropped one, held until its last worker exits.
        var bound = listeners.All.Select(l => new ListenerStatus(l.Spec.Name, l.Spec.Address, serving.Contains(l) ? l.OriginName : $"{l.OriginName}, dropped")).ToList();
        var (lastUpgrade, retired) = history.Snapshot();
        var handOver = new HandOverStatus(retired.Generation, retired.Moved, retired.Closed, router.InTransit, retired.Reason);
        var lived = life.Snapshot();
        var supervisor = new SupervisorStatus(Cli.VersionText.Describe(), lived.StartedAt, lived.Reexecs, lived.FailedReexecs, lived.Adoptions);
        return new StatusReply(Environment.ProcessId, servingGeneration, lastUpgrade, OpenDescriptorCount(), workers, bound, handOver, generations, supervisor);
    }

    private static int OpenDescriptorCount()
    {
        try { return Directory.GetFiles("/proc/self/fd").Length; }
        catch (IOException) { return -1; }
    }
}
