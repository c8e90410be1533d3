using Serilog;
using Serilog.Events;

namespace FdHandoff.Logging;

/// <summary>One logger set-up for the supervisor and the workers.</summary>
public static class FdHandoffLogging
{
    /// <summary>
    /// A Serilog logger writing to standard error, with <c>Microsoft.*</c> framework noise kept at Warning.
    /// <paramref name="identifier"/> names the program in every line (SYSLOG_IDENTIFIER in the journal).
    /// </summary>
    public static ILogger CreateLogger(string identifier, LogEventLevel minimumLevel = LogEventLevel.Information) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // The host logs a failed start with a stack trace; we print one clear line ourselves.
            .MinimumLevel.Override("Microsoft.Extensions.Hosting", LogEventLevel.Fatal)
            .Enrich.FromLogContext()
            .WriteTo.Sink(new ConsoleSink(identifier))
            .CreateLogger();
}
