using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Tests.FaultWorker;
using FdHandoff.Worker;
using Serilog;

// fdhandoff-worker-faults: the real worker's serving (HTTP on Kestrel, line counter, TCP/SCTP echo) plus the fault a
// test asks for through FDHANDOFF_WORKER_FAULT_FILE (see WorkerFaults). Only the supervisor's failure
// tests run it; src/Worker has no fault in it.

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddSerilog(FdHandoffLogging.CreateLogger("fdhandoff-worker-faults"), dispose: true);

// Read once at start: a test changes the file to change what the next generation does.
var fault = WorkerFaults.Read();
if (fault == WorkerFault.ExitAtStart) return 3;
if (fault == WorkerFault.HangBeforeHello) WorkerFaults.Hang(fault);

var handoff = builder.UseFdHandoff(o => o.ReportReadyOnStart = fault != WorkerFault.NeverReady);
if (handoff is not null)
{
    if (fault == WorkerFault.HandOverWhileServing)
        builder.Services.AddHostedService<HandOverWhileServing>();
    if (fault == WorkerFault.HandOverOneThenHang)
        builder.Services.AddHostedService<HandOverOneThenHang>();
    else if (fault == WorkerFault.HoldConnections && handoff.Slot == 0)
        HoldConnections.AskAndNeverTake(handoff);
    else
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

await app.RunAsync();

handoff?.SayBye();
handoff?.Dispose();
return 0;
