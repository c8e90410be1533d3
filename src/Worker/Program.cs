using FdHandoff.Client;
using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Worker;
using Serilog;

// fdhandoff-worker: HTTP on Kestrel plus raw TCP/SCTP/unix echo and a UDP datagram echo, on listeners handed over by the supervisor.
// Outside a supervisor it binds its own URLs (ASPNETCORE_URLS), as the benchmarks' "self-bound" case.

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSerilog(FdHandoffLogging.CreateLogger("fdhandoff-worker"), dispose: true);

// HTTP listeners (http, http6, ...) go to Kestrel; the client keeps the others for the long-lived
// services (line counter, echo), whose connections move to the next generation on upgrade.
HandoffClient? handoff;
try
{
    handoff = builder.UseFdHandoff();
}
catch (FdHandoffConfigurationException e)
{
    // One line, then exit 2 before taking any listener: the supervisor reports the worker as failed to start.
    Console.Error.WriteLine($"fdhandoff-worker: {e.Message}");
    return 2;
}
if (handoff is not null)
{
    builder.Services.AddHostedService<LiveConnectionService>();
    builder.Services.AddHostedService<DatagramEchoService>();
}

var app = builder.Build();
if (handoff is not null) ListenerReport.Write(app.Logger, handoff);
var identity = new WorkerIdentity(Environment.ProcessId, handoff?.Generation ?? 0);
app.MapGet("/", (HttpContext context) => identity.WriteAsync(context));
app.MapGet("/slow/{ms:int}", async (HttpContext context, int ms) =>
{
    await Task.Delay(Math.Clamp(ms, 0, 60_000), context.RequestAborted);
    await identity.WriteAsync(context);
});
// A request still running when this worker is told to drain, on cue: answered 200 ms after the drain begins (or after
// ms at most), whatever an upgrade takes on a loaded machine.
app.MapGet("/until-drain/{ms:int}", async (HttpContext context, int ms) =>
{
    using var cue = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, handoff?.DrainRequested ?? CancellationToken.None);
    try
    {
        await Task.Delay(Math.Clamp(ms, 0, 60_000), cue.Token);
    }
    catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
    {
        await Task.Delay(200, context.RequestAborted);
    }
    await identity.WriteAsync(context);
});

await app.RunAsync();

// Drained (or stopped): say so, then close our copies of the listeners. The supervisor keeps its own.
handoff?.SayBye();
handoff?.Dispose();
return 0;
