using System.Net;
using System.Text;

namespace FdHandoff.Supervisor.Metrics;

/// <summary>
/// <c>GET /healthz</c> and <c>GET /readyz</c> on the metrics address, for balancers (HAProxy <c>option httpchk</c>)
/// and orchestrators (a Kubernetes readiness probe). 200 "ok" or 503 with the reason on one line.
/// Owns its <see cref="HttpListener"/>; the Prometheus exporter serves <c>/metrics</c> on the same port
/// (the managed HttpListener shares one listening socket among the prefixes of a process).
/// </summary>
internal sealed class HealthEndpoint(HttpListener listener, Func<string, string?> problem) : IDisposable
{
    public const string Healthz = "/healthz", Readyz = "/readyz";

    public async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }
            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        try
        {
            string path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
            string? why = path is Healthz or Readyz ? problem(path) : "not found: /metrics, /healthz, /readyz";
            context.Response.StatusCode = why is null ? 200 : path is Healthz or Readyz ? 503 : 404;
            context.Response.ContentType = "text/plain; charset=utf-8";
            byte[] body = Encoding.UTF8.GetBytes((why ?? "ok") + "\n");
            context.Response.ContentLength64 = body.Length;
            if (context.Request.HttpMethod != "HEAD") context.Response.OutputStream.Write(body);
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The prober went away: nothing to answer.
        }
    }

    public void Dispose() => listener.Close();
}
