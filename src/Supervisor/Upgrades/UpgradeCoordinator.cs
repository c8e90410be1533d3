using System.Runtime.InteropServices;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// Serializes upgrades: one runs at a time; requests arriving meanwhile coalesce into the one next
/// upgrade (they all get its result), never interleave. SIGHUP asks for one, as `fdhandoff upgrade` does.
/// </summary>
public sealed class UpgradeCoordinator(WorkerPool pool, ILogger<UpgradeCoordinator> logger) : IHostedService
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _lock = new();
    private Task<UpgradeResult>? _next;

    // Kept in a field: a registration only referenced locally is collected and SIGHUP kills us again.
    private PosixSignalRegistration? _sighup;

    /// <summary>Events for observers (systemd notifications): an upgrade starts, an upgrade ends.</summary>
    public event Action? UpgradeStarting;
    public event Action<UpgradeResult>? UpgradeFinished;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            _ = RequestUpgradeAsync("SIGHUP");
        });
        return Task.CompletedTask;
    }

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
            var outcome = await pool.UpgradeAsync(reason).ConfigureAwait(false);
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

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        return Task.CompletedTask;
    }
}
