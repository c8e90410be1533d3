using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// Where every upgrade request enters (SIGHUP through <see cref="SighupTrigger"/>, <c>fdhandoff upgrade</c>
/// through the control socket): one upgrade runs at a time; requests arriving meanwhile coalesce into the one
/// next upgrade (they all get its result), never interleave. A request made while generation 1 is still starting
/// waits until it serves (a deploy that starts the service and reloads it at once gets its reload), and fails with
/// one line if it never does.
/// </summary>
internal sealed class UpgradeQueue(UpgradeCoordinator coordinator, Workers.SlotTable slots, ILogger<UpgradeQueue> logger)
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _lock = new();
    private Task<UpgradeOutcome>? _next;

    /// <summary>Events for observers (systemd notifications): an upgrade starts, an upgrade ends.</summary>
    public event Action? UpgradeStarting;
    public event Action<UpgradeOutcome>? UpgradeFinished;

    /// <summary>Asks for an upgrade; joins the one waiting to start if there is one.</summary>
    public Task<UpgradeOutcome> RequestUpgradeAsync(string reason)
    {
        lock (_lock)
        {
            if (_next is { } waiting)
            {
                SupervisorLog.UpgradeCoalesced(logger, reason);
                return waiting;
            }
            var result = new TaskCompletionSource<UpgradeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            _next = result.Task;
            _ = RunAsync(result, reason);
            return result.Task;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> when no upgrade runs, and lets none start until it is done (a re-exec: the state it
    /// writes out must not change under it). Upgrades asked meanwhile wait, as behind another upgrade.
    /// </summary>
    public async Task<T> RunExclusiveAsync<T>(Func<Task<T>> action)
    {
        await _oneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task RunAsync(TaskCompletionSource<UpgradeOutcome> result, string reason)
    {
        await _oneAtATime.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!await coordinator.FirstServing.ConfigureAwait(false))
            {
                lock (_lock) if (_next == result.Task) _next = null;
                result.SetResult(UpgradeOutcome.Failed(0, 0, "generation 1 never served: the supervisor did not start", TimeSpan.Zero));
                return;
            }
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
            int serving = slots.ServingGeneration;
            var failed = UpgradeOutcome.Failed(0, serving, e.Message, TimeSpan.Zero);
            UpgradeFinished?.Invoke(failed);
            result.SetResult(failed);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }
}
