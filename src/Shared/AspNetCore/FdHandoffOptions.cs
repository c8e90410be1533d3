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
    /// <remarks>Defaults to true; set false to call <see cref="HandoffClient.ReportReady"/> yourself (after a warm-up, say).</remarks>
    public bool ReportReadyOnStart { get; set; } = true;

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
