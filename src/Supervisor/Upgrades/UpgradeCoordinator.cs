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
public sealed class UpgradeCoordinator : IHostedService, IDisposable
{
    private readonly WorkerPool pool;
    private readonly ILogger<UpgradeCoordinator> logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly Lock _lock = new();
    private Task<UpgradeResult>? _next;
    private volatile bool _accepting;

    // Kept in a field: a registration only referenced locally is collected and SIGHUP kills us again.
    // Made at construction, before any hosted service starts: SIGHUP's default action is to terminate,
    // and a reload must never kill a supervisor that is still starting or already stopping.
    private readonly PosixSignalRegistration _sighup;

    public UpgradeCoordinator(WorkerPool pool, ILogger<UpgradeCoordinator> logger)
    {
        this.pool = pool;
        this.logger = logger;
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (_accepting) _ = RequestUpgradeAsync("SIGHUP");
            else SupervisorLog.SighupIgnored(logger, pool.ServingGeneration == 0 ? "still starting generation 1" : "stopping");
        });
    }

    /// <summary>Events for observers (systemd notifications): an upgrade starts, an upgrade ends.</summary>
    public event Action? UpgradeStarting;
    public event Action<UpgradeResult>? UpgradeFinished;

    /// <summary>Upgrades are taken from here on: generation 1 serves (this starts after the pool).</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _accepting = true;
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
        _accepting = false;
        return Task.CompletedTask;
    }

    public void Dispose() => _sighup.Dispose();
}
