using Microsoft.Extensions.Hosting;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>Binds the listeners first thing at start-up; closes them last thing at shutdown.</summary>
internal sealed class ListenerService(ListenerSet listeners) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        listeners.BindAll();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        listeners.Dispose();
        return Task.CompletedTask;
    }
}
