namespace FdHandoff.Client.AspNetCore;

/// <summary>How an ASP.NET Core app serves as an FdHandoff worker.</summary>
public sealed class FdHandoffOptions
{
    /// <summary>Which handed-off listeners Kestrel serves.</summary>
    /// <remarks>Defaults to the TCP, MPTCP and unix stream listeners whose name starts with "http" (http, http6, https...).</remarks>
    public Func<HandedOffListener, bool> ServeWithKestrel { get; set; } =
        l => (l.Transport is Listeners.ListenerTransport.Tcp or Listeners.ListenerTransport.Mptcp or Listeners.ListenerTransport.Unix)
            && l.Name.StartsWith("http", StringComparison.Ordinal);

    /// <summary>Report ready to the supervisor as soon as the app has started.</summary>
    /// <remarks>Defaults to true; set false to call <see cref="HandoffClient.ReportReady"/> yourself (after a warm-up of your own that <see cref="WarmUp"/> cannot express, say); the app then accepts from its start and no <see cref="WarmUp"/> request runs, so it cannot be ready before it accepts.</remarks>
    public bool ReportReadyOnStart { get; set; } = true;

    /// <summary>
    /// Paths the worker GETs from itself, through Kestrel and the app's whole pipeline, once the app has started
    /// and before it accepts anything from the shared listeners or reports ready. Empty: no warm-up.
    /// </summary>
    /// <remarks>
    /// Defaults to <c>/</c>. The requests come over a socket pair (no address, no other process can reach it),
    /// plain HTTP/1.1 with <c>Host: localhost</c> and the header <see cref="WarmUpHeader"/>; an answer other than
    /// 2xx (a 404, a redirect to HTTPS, a 400 from host filtering) is a warning, since it did not run the app's
    /// own path. The configuration key <c>FdHandoffWorker:WarmUp</c> (paths separated by commas, or a JSON array;
    /// empty turns it off) overrides what code sets: it is the operator's word (environment:
    /// <c>FdHandoffWorker__WarmUp</c>; not <c>FdHandoff__</c>, which the supervisor reads as its own settings,
    /// <c>FDHANDOFF_*</c>, and refuses). With <see cref="ReportReadyOnStart"/> false the app owns its readiness
    /// and its warm-up: none is run, and it accepts from the start.
    /// </remarks>
    public IList<string> WarmUp { get; set; } = ["/"];

    /// <summary>How long the warm-up may take before the worker accepts anyway (with a warning).</summary>
    /// <remarks>Defaults to 10 s. The configuration key <c>FdHandoffWorker:WarmUpTimeout</c> (hh:mm:ss) overrides it.</remarks>
    public TimeSpan WarmUpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The request header a warm-up request carries, for logs and request counters. A hint only: any client on the
    /// real listeners can send it too, so it must not decide anything that matters (authentication, rate limits).
    /// </summary>
    public const string WarmUpHeader = "FdHandoff-Warm-Up";

    /// <summary>
    /// How long a draining worker goes on accepting while it answers everything with <c>Connection: close</c>,
    /// so that busy keep-alive clients move all their connections before it stops accepting.
    /// </summary>
    /// <remarks>Defaults to 500 ms (never more than half the drain time).</remarks>
    public TimeSpan AcceptWhileClosingWindow { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time kept back from the drain deadline for Kestrel's own shutdown of the last connections.</summary>
    /// <remarks>Defaults to 1 s (never more than a quarter of the drain time).</remarks>
    public TimeSpan ShutdownReserve { get; set; } = TimeSpan.FromSeconds(1);
}
