using FdHandoff.Supervisor.Resilience;
using Microsoft.Extensions.Hosting;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Binds the listeners first thing at start-up (or, in a re-executed image, takes over the previous image's);
/// closes them last thing at shutdown.
/// </summary>
internal sealed class ListenerService(ListenerSet listeners, RestoredImage restored, Microsoft.Extensions.Logging.ILogger<ListenerSet> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (restored.IsRestored) listeners.TakeOver(ListenerTakeOver.From(restored, logger));
        else listeners.BindAll();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        listeners.Dispose();
        return Task.CompletedTask;
    }
}
