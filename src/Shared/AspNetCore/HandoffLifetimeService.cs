using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Warms up and reports ready once the app has started, and drains when the supervisor says so: stop accepting,
/// <c>Connection: close</c> on every response until no connection is left (or the deadline nears),
/// then stop the host, which closes idle connections and waits for in-flight requests.
/// </summary>
internal sealed class HandoffLifetimeService(
    HandoffClient client,
    DrainableConnectionListenerFactory transport,
    DrainState state,
    AcceptGate gate,
    WarmUp warmUp,
    IHostApplicationLifetime lifetime,
    IOptions<HostOptions> hostOptions,
    IOptions<FdHandoffOptions> options,
    IServer server,
    ILogger<HandoffLifetimeService> logger) : IHostedService
{
    private CancellationTokenRegistration _onDrain;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = WarmUpThenReadyAsync());
        _onDrain = client.DrainRequested.Register(() => _ = DrainAsync());
        client.SupervisorLost += (why, timeout) => HandoffLog.SupervisorLost(logger, client.Generation, Environment.ProcessId, why, timeout.TotalMilliseconds);
        client.Reattached += supervisor => HandoffLog.Reattached(logger, client.Generation, Environment.ProcessId, supervisor);
        return Task.CompletedTask;
    }

    /// <summary>Warm up, then accept from the shared listeners, then say ready: in that order, so neither a
    /// client nor the supervisor's switch-over meets a request path that has never run. Never throws: it runs
    /// unobserved, and every way it can end is a line.</summary>
    private async Task WarmUpThenReadyAsync()
    {
        try
        {
            await warmUp.RunAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            HandoffLog.WarmUpFailed(logger, client.Generation, Environment.ProcessId, "(all)", e.Message);
        }
        // The warm-up endpoint is not an address anyone else can use: out of the app's list of addresses.
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses is { IsReadOnly: false } addresses)
            foreach (var a in addresses.Where(a => a.EndsWith("://" + WarmUpEndPoint.Name, StringComparison.Ordinal)).ToList())
                addresses.Remove(a);
        // A worker that is stopping or draining by now takes nothing more from the shared queue (Kestrel would close
        // it unread) and says nothing: the supervisor has already moved on from it.
        if (lifetime.ApplicationStopping.IsCancellationRequested || client.DrainRequested.IsCancellationRequested) return;
        gate.Open();
        if (!options.Value.ReportReadyOnStart) return;
        try
        {
            client.ReportReady();
            HandoffLog.Ready(logger, client.Generation, Environment.ProcessId, client.Listeners.Count);
        }
        catch (IOException e)
        {
            // The control connection is gone: the client's receive loop drains this worker as an orphan.
            HandoffLog.ReadyNotSent(logger, client.Generation, Environment.ProcessId, e.Message);
        }
    }

    private async Task DrainAsync()
    {
        try
        {
            var deadline = client.DrainDeadline;
            var total = deadline - DateTimeOffset.UtcNow;
            var reserve = TimeSpan.FromTicks(Math.Min(options.Value.ShutdownReserve.Ticks, Math.Max(0, total.Ticks / 4)));
            HandoffLog.Draining(logger, client.Generation, Environment.ProcessId, client.DrainReason, (int)total.TotalMilliseconds);

            // 1. Connection: close on every response while still accepting, for a short window: every
            //    client that is sending gets told to reconnect and does, before anyone stops taking its
            //    reconnection. (Stopping accepts first lets a client's new connection wait in the backlog
            //    while its other keep-alive connection sits idle here and is closed under it.)
            state.BeginDraining();
            // Requests still running this close to the deadline stop and are answered 503 while there is time.
            state.CancelRequestsAfter(deadline - DateTimeOffset.UtcNow - RequestDeadlineLead(reserve));
            //    With no HTTP connection open there is no such client: the window is skipped, so a worker
            //    whose long-lived connections are handed over is not held back by it.
            var window = Min(options.Value.AcceptWhileClosingWindow, (deadline - reserve - DateTimeOffset.UtcNow) / 2);
            if (window > TimeSpan.Zero && state.OpenConnections > 0) await Task.Delay(window).ConfigureAwait(false);

            // 2. Stop accepting: the shared socket stays open and listening for the next generation.
            await transport.StopAcceptingAsync().ConfigureAwait(false);
            HandoffLog.StoppedAccepting(logger, client.Generation, Environment.ProcessId, state.OpenConnections);

            // 3. Until every connection has had its Connection: close, or idle ones are due to be closed.
            var closeIdleAt = client.DrainCloseIdleAt < deadline - reserve ? client.DrainCloseIdleAt : deadline - reserve;
            using (var until = new CancellationTokenSource(Positive(closeIdleAt - DateTimeOffset.UtcNow)))
                await state.WaitForNoConnectionsAsync(until.Token).ConfigureAwait(false);

            // 4. Whatever is still open is idle keep-alive or in flight: Kestrel's stop closes the first
            // and waits for the second until just before the supervisor's deadline.
            hostOptions.Value.ShutdownTimeout = Positive(deadline - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(200));
            HandoffLog.Stopping(logger, client.Generation, Environment.ProcessId, state.OpenConnections);
            _ = LogCutRequestsAsync();
        }
        catch (Exception e)
        {
            HandoffLog.DrainFailed(logger, e, client.Generation, Environment.ProcessId);
        }
        lifetime.StopApplication();
    }

    /// <summary>How long before the deadline running requests are stopped: half the reserve, at least 300 ms.</summary>
    private static TimeSpan RequestDeadlineLead(TimeSpan reserve) => reserve / 2 > TimeSpan.FromMilliseconds(300) ? reserve / 2 : TimeSpan.FromMilliseconds(300);

    private async Task LogCutRequestsAsync()
    {
        try { await Task.Delay(Timeout.Infinite, state.RequestDeadline).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        // Once their connections have closed (or just before the supervisor's deadline), count what was cut.
        using (var until = new CancellationTokenSource(Positive(client.DrainDeadline - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(100))))
            await state.WaitForNoConnectionsAsync(until.Token).ConfigureAwait(false);
        if (state.RequestsCutAtDeadline > 0 || state.OpenConnections > 0)
            HandoffLog.RequestsCutAtDeadline(logger, client.Generation, Environment.ProcessId, state.RequestsCutAtDeadline, state.OpenConnections);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Positive(TimeSpan t) => t > TimeSpan.Zero ? t : TimeSpan.Zero;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _onDrain.Dispose();
        return Task.CompletedTask;
    }
}
