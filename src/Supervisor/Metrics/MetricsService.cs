using System.Net;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace FdHandoff.Supervisor.Metrics;

/// <summary>
/// Serves <c>Metrics:Listen</c> (off by default): <c>/metrics</c> in the Prometheus text format through the
/// OpenTelemetry Prometheus exporter, and <c>/healthz</c>, <c>/readyz</c> (<see cref="HealthEndpoint"/>).
/// Started first and stopped last, so the probes say 503 before generation 1 is ready and while stopping.
/// </summary>
internal sealed class MetricsService(
    SupervisorSettings settings,
    SupervisorMetrics metrics,
    WorkerPool pool,
    Resilience.SupervisorLife life,
    IHostApplicationLifetime lifetime,
    ILogger<MetricsService> logger) : IHostedService, IDisposable
{
    private HealthEndpoint? _health;
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.ObserveWorkers(Census);
        metrics.ObserveLife(life.Snapshot);
        if (settings.MetricsListen is not { } address) return Task.CompletedTask;

        // The health listener binds first: a busy port or an address not on this host fails here, with one line.
        var listener = new HttpListener();
        listener.Prefixes.Add($"http://{address}{HealthEndpoint.Healthz}/");
        listener.Prefixes.Add($"http://{address}{HealthEndpoint.Readyz}/");
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            listener.Close();
            throw new SupervisorException($"cannot serve metrics on Metrics:Listen {address}: {e.Message}; free the port (ss -ltnp 'sport = :{address.Port}') or change Metrics:Listen", SupervisorException.ConfigurationError, e);
        }
        _health = new HealthEndpoint(listener, Problem);
        _ = _health.ServeAsync();

        _provider = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService("fdhandoff"))
            .AddMeter(SupervisorMetrics.MeterName)
            .AddPrometheusHttpListener(o =>
            {
                o.Port = address.Port;
                o.ScrapeEndpointPath = "/metrics";
                // The exporter makes a Uri of Host, which the wildcard "+" is not: it gets our prefix here instead.
                o.ConfigureHttpListener = (_, l) =>
                {
                    l.Prefixes.Clear();
                    l.Prefixes.Add($"http://{address.Host}:{address.Port}/");
                };
                // Each scrape sees the moment it asks: Prometheus' own interval is the sampling.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            })
            .Build();
        metrics.StartAtZero();
        SupervisorLog.MetricsListening(logger, address.ToString());
        return Task.CompletedTask;
    }

    /// <summary>Why <paramref name="path"/> answers 503, or null for 200.</summary>
    private string? Problem(string path)
    {
        if (path == HealthEndpoint.Readyz && lifetime.ApplicationStopping.IsCancellationRequested) return "stopping";
        if (pool.Stopping.IsCancellationRequested) return "stopping: the workers are draining";
        var census = Census();
        if (census.ServingGeneration == 0) return "starting: no generation is ready yet";
        if (!census.EverySlotFilled) return $"generation {census.ServingGeneration} has an empty slot: a worker crashed and waits for its restart";
        return null;
    }

    private WorkerCensus Census() => new(pool.Slots.ServingGeneration, pool.Slots.Owners(), pool.Table.All);

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
        _health?.Dispose();
        _health = null;
    }
}
