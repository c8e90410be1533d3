using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// Metrics and health endpoints (event ids 340-369).
internal static partial class SupervisorLog
{
    [LoggerMessage(340, LogLevel.Information, "Metrics on http://{MetricsAddress}/metrics, health on /healthz and /readyz")]
    public static partial void MetricsListening(ILogger logger, string metricsAddress);
}
