using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Worker;
using Serilog;

// fdhandoff-worker: HTTP on Kestrel plus raw TCP/SCTP echo, on listeners handed over by the supervisor.
// Outside a supervisor it binds its own URLs (ASPNETCORE_URLS), as the benchmarks' "self-bound" case.

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSerilog(FdHandoffLogging.CreateLogger("fdhandoff-worker"), dispose: true);

// Test hook: a file whose content asks for a fault (see WorkerFaults); read once at start.
var fault = WorkerFaults.Read();
if (fault == WorkerFault.ExitAtStart) return 3;
if (fault == WorkerFault.HangBeforeHello) WorkerFaults.Hang(fault);

// HTTP listeners (http, http6, ...) go to Kestrel; the client keeps the others for the echo service.
var handoff = builder.UseFdHandoff(o => o.ReportReadyOnStart = fault != WorkerFault.NeverReady);
if (handoff is not null)
{
    builder.Services.AddHostedService<LiveConnectionService>();
    if (fault == WorkerFault.HangAfterListeners) WorkerFaults.Hang(fault);
}

var app = builder.Build();
if (fault == WorkerFault.IgnoreDrain)
{
    // Blocks the host's stop, so the drain never finishes and the process never exits by itself.
    app.Lifetime.ApplicationStopping.Register(() =>
    {
        Console.Out.WriteLine($"fdhandoff-worker: fault IgnoreDrain: pid {Environment.ProcessId} ignores the drain");
        Thread.Sleep(Timeout.Infinite);
    });
}
var identity = new WorkerIdentity(Environment.ProcessId, handoff?.Generation ?? 0);
app.MapGet("/", (HttpContext context) => identity.WriteAsync(context));
app.MapGet("/slow/{ms:int}", async (HttpContext context, int ms) =>
{
    await Task.Delay(Math.Clamp(ms, 0, 60_000), context.RequestAborted);
    await identity.WriteAsync(context);
});

await app.RunAsync();

// Drained (or stopped): say so, then close our copies of the listeners. The supervisor keeps its own.
handoff?.SayBye();
handoff?.Dispose();
return 0;
