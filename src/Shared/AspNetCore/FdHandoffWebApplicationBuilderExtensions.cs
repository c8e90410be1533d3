using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace FdHandoff.Client.AspNetCore;

/// <summary>The one-line integration: an ASP.NET Core app becomes a zero-downtime FdHandoff worker.</summary>
public static class FdHandoffWebApplicationBuilderExtensions
{
    /// <summary>
    /// When started by an FdHandoff supervisor: receives the listeners, serves the HTTP ones with Kestrel
    /// (no URLs of its own), reports ready once started and drains without dropping a request when told.
    /// Returns the <see cref="HandoffClient"/> (for the other listeners), or null when not under a
    /// supervisor, in which case Kestrel binds its own URLs as usual.
    /// </summary>
    public static HandoffClient? UseFdHandoff(this WebApplicationBuilder builder, Action<FdHandoffOptions>? configure = null)
    {
        if (!HandoffEnvironment.IsPresent) return null;

        var options = new FdHandoffOptions();
        configure?.Invoke(options);
        var client = HandoffClient.Connect();
        var http = client.Listeners.Values.Where(options.ServeWithKestrel).ToList();
        foreach (var listener in http) listener.MarkServed();

        builder.Services.AddSingleton(client);
        builder.Services.Configure<FdHandoffOptions>(o =>
        {
            o.ServeWithKestrel = options.ServeWithKestrel;
            o.ShutdownReserve = options.ShutdownReserve;
            o.ReportReadyOnStart = options.ReportReadyOnStart;
            o.AcceptWhileClosingWindow = options.AcceptWhileClosingWindow;
        });
        builder.Services.AddSingleton<DrainState>();
        builder.Services.AddSingleton<DrainableConnectionListenerFactory>();
        // Ours replaces Kestrel's socket transport; it wraps the same SocketTransportFactory.
        var socketTransport = builder.Services.Where(d => d.ServiceType == typeof(IConnectionListenerFactory)).ToList();
        foreach (var d in socketTransport) builder.Services.Remove(d);
        builder.Services.AddSingleton<IConnectionListenerFactory>(sp => sp.GetRequiredService<DrainableConnectionListenerFactory>());
        builder.Services.AddSingleton<IStartupFilter, ConnectionCloseStartupFilter>();
        builder.Services.AddSingleton<IStartupFilter, RequestDeadlineStartupFilter>();
        builder.Services.AddHostedService<HandoffLifetimeService>();

        if (http.Count == 0)
        {
            builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoHttpServer>();
            return client;
        }

        // Kestrel calls listen() again on each handle with its own backlog, which changes it for every holder:
        // give it the configured one instead of its default 512.
        builder.Services.Configure<SocketTransportOptions>(o => o.Backlog = http.Max(l => l.Spec.Backlog));
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel neither dups nor closes the handle: the client owns it and closes it at dispose.
            foreach (var listener in http) kestrel.ListenHandle(listener.Handle);
        });
        return client;
    }
}
