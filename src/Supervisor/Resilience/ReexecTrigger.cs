using System.Runtime.InteropServices;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// SIGUSR2 re-executes the supervisor in place, as <c>fdhandoff reexec</c> does (HAProxy's master uses the same signal).
/// Taken once generation 1 serves and until the supervisor stops; before or after, logged and ignored.
/// </summary>
internal sealed class ReexecTrigger : IHostedService, IDisposable
{
    // Kept in a field: a registration only referenced locally is collected, and SIGUSR2's default action is to terminate.
    private readonly PosixSignalRegistration _sigusr2;

    public ReexecTrigger(Reexec reexec, SlotTable slots, IHostApplicationLifetime lifetime, ILogger<ReexecTrigger> logger)
    {
        _sigusr2 = PosixSignalRegistration.Create((PosixSignal)Unix.SignalName.User2, context =>
        {
            context.Cancel = true;
            if (lifetime.ApplicationStopping.IsCancellationRequested) SupervisorLog.ReexecIgnored(logger, "SIGUSR2 while stopping");
            else if (slots.ServingGeneration == 0) SupervisorLog.ReexecIgnored(logger, "SIGUSR2 while generation 1 is still starting");
            else _ = reexec.RunAsync(null, "SIGUSR2", 0);
        });
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _sigusr2.Dispose();
}
