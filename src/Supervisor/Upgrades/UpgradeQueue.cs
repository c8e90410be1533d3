using FdHandoff.Protocol;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// Where every upgrade request enters (SIGHUP through <see cref="SighupTrigger"/>, <c>fdhandoff upgrade</c>
/// through the control socket): one upgrade runs at a time; requests arriving meanwhile coalesce into the one
/// next upgrade (they all get its result), never interleave.
/// </summary>
internal sealed class UpgradeQueue(UpgradeCoordinator coordinator, Workers.WorkerPool pool, ILogger<UpgradeQueue> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _lock = new();
    private Task<UpgradeResult>? _next;

    /// <summary>Events for observers (systemd notifications): an upgrade starts, an upgrade ends.</summary>
    public event Action? UpgradeStarting;
    public event Action<UpgradeResult>? UpgradeFinished;

    /// <summary>Asks for an upgrade; joins the one waiting to start if there is one.</summary>
    public Task<UpgradeResult> RequestUpgradeAsync(string reason)
    {
        lock (_lock)
        {
            if (_next is { } waiting)
            {
                SupervisorLog.UpgradeCoalesced(logger, reason);
                return waiting;
            }
            var result = new TaskCompletionSource<UpgradeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _next = result.Task;
            _ = RunAsync(result, reason);
            return result.Task;
        }
    }

    private async Task RunAsync(TaskCompletionSource<UpgradeResult> result, string reason)
    {
        await _oneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            lock (_lock)
            {
                if (_next == result.Task) _next = null; // from now on, new requests queue behind this one
            }
            UpgradeStarting?.Invoke();
            var outcome = await coordinator.UpgradeAsync(reason).ConfigureAwait(false);
            UpgradeFinished?.Invoke(outcome);
            result.SetResult(outcome);
        }
        catch (Exception e)
        {
            var failed = new UpgradeResult(false, pool.ServingGeneration, pool.ServingGeneration, e.Message, 0);
            UpgradeFinished?.Invoke(failed);
            result.SetResult(failed);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
