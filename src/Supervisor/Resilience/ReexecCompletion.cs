using FdHandoff.Protocol;
using FdHandoff.Supervisor.Control;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// The end of a re-exec, in the image that runs afterwards: the admin requests the previous image left unanswered
/// (their connections taken at restore, owned here), answered once this image has started: the re-exec's own
/// requester hears how it ended, an upgrade waiting behind it is asked again here.
/// </summary>
internal sealed class ReexecCompletion(RestoredImage restored, AdminRequestHandler admin, ILogger<ReexecCompletion> logger)
{
    private readonly List<(PendingAdminRecord Request, ControlChannel Channel)> _waiting = [];

    /// <summary>Takes the waiting requests' connections (before the originals are closed at commit).</summary>
    public void TakeWaiting()
    {
        foreach (var request in restored.HandOff!.Admin)
            if (restored.Take(request.Descriptor) is { } fd)
                _waiting.Add((request, new ControlChannel(new System.Net.Sockets.Socket(new System.Net.Sockets.SafeSocketHandle(fd.Release(), ownsHandle: true)), $"admin request of pid {request.PeerPid}")));
    }

    /// <summary>
    /// This re-executed image has started: the previous image's descriptors nobody took are closed (the originals of the
    /// rest too: their copies are owned where they are used), and the waiting requests are answered.
    /// </summary>
    public static void Finish(IServiceProvider services, RestoredImage restored)
    {
        var completion = services.GetRequiredService<ReexecCompletion>();
        var leftovers = restored.Commit();
        if (leftovers.Count > 0) completion.ReportLeftovers(leftovers);
        if (restored.IsAdoption) return; // nobody asked: StateRestore has said what was adopted
        var slots = services.GetRequiredService<Workers.SlotTable>();
        completion.Answer(slots.ServingGeneration, services.GetRequiredService<Workers.WorkerTable>().All.Count);
    }

    private void ReportLeftovers(IReadOnlyList<string> names) => SupervisorLog.ReexecLeftovers(logger, string.Join(", ", names));

    /// <summary>This image has started: the requests are answered.</summary>
    public void Answer(int generation, int workers)
    {
        var handOff = restored.HandOff!;
        double elapsedMs = (DateTimeOffset.UtcNow - handOff.RequestedAt).TotalMilliseconds;
        string version = Cli.VersionText.Describe();
        if (restored.FallbackReason is null) SupervisorLog.Reexecuted(logger, version, handOff.PreviousVersion, elapsedMs, generation, workers);
        else SupervisorLog.ReexecFellBack(logger, restored.FallbackReason);
        foreach (var (request, channel) in _waiting)
        {
            if (request.Kind == "upgrade")
            {
                _ = admin.AnswerUpgradeAsync(channel, request.Reason, request.PeerPid);
                continue;
            }
            try
            {
                channel.Send(restored.FallbackReason is null
                    ? new ReexecResult(true, Environment.ProcessId, version, handOff.PreviousVersion, "", elapsedMs)
                    : new ReexecResult(false, Environment.ProcessId, version, handOff.PreviousVersion, $"the new image could not take over: {restored.FallbackReason}; the previous one serves on", elapsedMs));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The asker went away: nobody to tell.
            }
            channel.Dispose();
        }
        _waiting.Clear();
    }
}
