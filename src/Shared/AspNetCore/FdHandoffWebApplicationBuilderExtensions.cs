using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FdHandoff.Client.AspNetCore;

/// <summary>The one-line integration: an ASP.NET Core app becomes a zero-downtime FdHandoff worker.</summary>
public static class FdHandoffWebApplicationBuilderExtensions
{
    /// <summary>
    /// When started by an FdHandoff supervisor: receives the listeners, serves the HTTP ones with Kestrel
    /// (no URLs of its own), warms up (<see cref="FdHandoffOptions.WarmUp"/>) before it accepts, reports ready
    /// then, and drains without dropping a request when told.
    /// Returns the <see cref="HandoffClient"/> (for the other listeners), or null when not under a
    /// supervisor, in which case Kestrel binds its own URLs as usual. <paramref name="configure"/> is where options
    /// are set: the <c>FdHandoffWorker:*</c> keys override it, and the result is registered as
    /// <c>IOptions&lt;FdHandoffOptions&gt;</c> (a <c>services.Configure&lt;FdHandoffOptions&gt;</c> is not read).
    /// </summary>
    public static HandoffClient? UseFdHandoff(this WebApplicationBuilder builder, Action<FdHandoffOptions>? configure = null)
    {
        if (!HandoffEnvironment.IsPresent) return null;

        var options = new FdHandoffOptions();
        configure?.Invoke(options);
        FdHandoffWorkerSettings.Apply(builder.Configuration, options);
        if (!options.ReportReadyOnStart) options.WarmUp = []; // the app owns readiness, and so its warm-up
        var client = HandoffClient.Connect();
        var http = client.Listeners.Values.Where(options.ServeWithKestrel).ToList();
        foreach (var listener in http) listener.MarkServed();
        if (http.Count == 0) options.WarmUp = []; // nothing for Kestrel to serve, so no pipeline to warm

        builder.Services.AddSingleton(client);
        AddOptions(builder.Services, options);
        builder.Services.AddSingleton<DrainState>();
        builder.Services.AddSingleton<AcceptGate>();
        builder.Services.AddSingleton<WarmUpListener>();
        builder.Services.AddSingleton<WarmUp>();
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
            // The warm-up's own endpoint: HTTP/1.1 as the handed-off plain-HTTP listeners speak it.
            if (options.WarmUp.Count > 0) kestrel.Listen(new WarmUpEndPoint(), l => l.Protocols = HttpProtocols.Http1);
        });
        return client;
    }

    /// <summary>
    /// Registers <paramref name="options"/> itself as <c>IOptions&lt;FdHandoffOptions&gt;</c>: the services read the very
    /// instance the decisions above were made from, so no option can be left out of a copy.
    /// </summary>
    internal static void AddOptions(IServiceCollection services, FdHandoffOptions options) =>
        services.AddSingleton<IOptions<FdHandoffOptions>>(Microsoft.Extensions.Options.Options.Create(options));
}
