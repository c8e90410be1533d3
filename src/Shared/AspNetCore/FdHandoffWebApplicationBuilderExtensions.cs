using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace FdHandoff.Client.AspNetCore;

/// <summary>The one-line integration: an ASP.NET Core app becomes a zero-downtime FdHandoff worker.</summary>
public static class FdHandoffWebApplicationBuilderExtensions
{
    /// <summary>
    /// When started by an FdHandoff supervisor: receives the listeners, serves the HTTP ones with Kestrel
    /// (no URLs of its own), warms up (<see cref="FdHandoffOptions.WarmUp"/>) before it accepts, reports ready
    /// then, and drains without dropping a request when told.
    /// Returns the <see cref="HandoffClient"/> (for the other listeners), or null when not under a
    /// supervisor, in which case Kestrel binds its own URLs as usual.
    /// </summary>
    public static HandoffClient? UseFdHandoff(this WebApplicationBuilder builder, Action<FdHandoffOptions>? configure = null)
    {
        if (!HandoffEnvironment.IsPresent) return null;

        var options = new FdHandoffOptions();
        configure?.Invoke(options);
        // The operator's configuration wins over code; code-set paths are held to the same rules.
        var warmUp = builder.Configuration.GetSection(WarmUpKey);
        options.WarmUp = warmUp.Value is { } list ? ParseWarmUp(list)
            : warmUp.GetChildren().Any() ? ParseWarmUp(string.Join(',', warmUp.GetChildren().Select(c => c.Value)))
            : [.. (options.WarmUp ?? []).Select(p => p.Trim()).Where(p => p.Length > 0).Select(CheckedPath)];
        if (builder.Configuration[WarmUpTimeoutKey] is { } limit) options.WarmUpTimeout = ParseWarmUpTimeout(limit);
        if (!options.ReportReadyOnStart) options.WarmUp = []; // the app owns readiness, and so its warm-up
        var client = HandoffClient.Connect();
        var http = client.Listeners.Values.Where(options.ServeWithKestrel).ToList();
        foreach (var listener in http) listener.MarkServed();
        if (http.Count == 0) options.WarmUp = []; // nothing for Kestrel to serve, so no pipeline to warm

        builder.Services.AddSingleton(client);
        builder.Services.Configure<FdHandoffOptions>(o =>
        {
            o.ServeWithKestrel = options.ServeWithKestrel;
            o.ShutdownReserve = options.ShutdownReserve;
            o.ReportReadyOnStart = options.ReportReadyOnStart;
            o.AcceptWhileClosingWindow = options.AcceptWhileClosingWindow;
            o.WarmUp = options.WarmUp;
            o.WarmUpTimeout = options.WarmUpTimeout;
        });
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

    private const string WarmUpKey = "FdHandoffWorker:WarmUp";
    private const string WarmUpTimeoutKey = "FdHandoffWorker:WarmUpTimeout";

    /// <summary>"00:00:05" -> 5 s (the supervisor's duration format). A bare number is refused, as the supervisor
    /// refuses it: TimeSpan would read "5" as five days.</summary>
    internal static TimeSpan ParseWarmUpTimeout(string value) =>
        value.Contains(':') && TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero
            ? t
            : throw new FdHandoffConfigurationException(
                $"{WarmUpTimeoutKey}: '{value}' is not a positive duration; write it as hh:mm:ss (\"00:00:10\")");

    /// <summary>"/, /health" -> ["/", "/health"]; "" -> [] (no warm-up). A path starts with '/' and is printable ASCII.</summary>
    internal static List<string> ParseWarmUp(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CheckedPath)];

    private static string CheckedPath(string path) =>
        path.StartsWith('/') && path.All(c => c > ' ' && c <= '~') // a request line takes printable ASCII only
            ? path
            : throw new FdHandoffConfigurationException(
                $"{WarmUpKey}: '{path}' is not a request path; write paths that start with '/', separated by commas (\"/,/health\"), or leave it empty to turn the warm-up off");
}
