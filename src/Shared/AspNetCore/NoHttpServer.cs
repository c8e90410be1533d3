using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// The server of a worker that was handed no HTTP listener (only echo or SCTP ones, say): serves
/// nothing. Without it Kestrel, given no endpoint, would bind its default http://localhost:5000, and
/// the second worker of the generation would die on "address already in use".
/// </summary>
internal sealed class NoHttpServer : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull =>
        Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
