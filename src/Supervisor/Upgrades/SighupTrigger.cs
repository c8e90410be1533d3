using System.Runtime.InteropServices;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// SIGHUP asks for an upgrade, as <c>fdhandoff upgrade</c> and <c>systemctl reload</c> do. Upgrades are taken
/// from start (generation 1 serves: this service starts after the coordinator) to stop; a SIGHUP before or
/// after is logged and ignored, never fatal.
/// </summary>
internal sealed class SighupTrigger : IHostedService, IDisposable
{
    // Kept in a field: a registration only referenced locally is collected and SIGHUP kills us again.
    // Made at construction, which the host does for every hosted service before starting any: SIGHUP's
    // default action is to terminate, and a reload must never kill a supervisor that is still starting.
    private readonly PosixSignalRegistration _sighup;
    private volatile bool _accepting;

    public SighupTrigger(UpgradeQueue upgrades, WorkerPool pool, ILogger<SighupTrigger> logger)
    {
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (_accepting) _ = upgrades.RequestUpgradeAsync("SIGHUP");
            else SupervisorLog.SighupIgnored(logger, pool.ServingGeneration == 0 ? "still starting generation 1" : "stopping");
        });
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _accepting = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _accepting = false;
        return Task.CompletedTask;
    }

    public void Dispose() => _sighup.Dispose();
}
