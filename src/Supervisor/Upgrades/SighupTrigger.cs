using System.Runtime.InteropServices;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// SIGHUP asks for an upgrade, as <c>fdhandoff upgrade</c> and <c>systemctl reload</c> do. Upgrades are taken
/// from the moment generation 1 serves until the supervisor starts stopping; a SIGHUP before or after is
/// logged and ignored, never fatal.
/// </summary>
internal sealed class SighupTrigger : IHostedService, IDisposable
{
    // Kept in a field: a registration only referenced locally is collected and SIGHUP kills us again.
    // Made at construction, which the host does for every hosted service before starting any: SIGHUP's
    // default action is to terminate, and a reload must never kill a supervisor that is still starting.
    private readonly PosixSignalRegistration _sighup;

    public SighupTrigger(UpgradeQueue upgrades, SlotTable slots, IHostApplicationLifetime lifetime, ILogger<SighupTrigger> logger)
    {
        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            // From the moment generation 1 serves (the coordinator promotes it before it says so in the log),
            // not from when the host has started its last service: a reload sent right after "serving" counts.
            if (lifetime.ApplicationStopping.IsCancellationRequested)
                SupervisorLog.SighupIgnored(logger, "stopping");
            else if (slots.ServingGeneration == 0)
                SupervisorLog.SighupIgnored(logger, "still starting generation 1");
            else
                _ = upgrades.RequestUpgradeAsync("SIGHUP");
        });
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _sighup.Dispose();
}
