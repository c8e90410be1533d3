using FdHandoff.Client.AspNetCore;
using FdHandoff.Logging;
using FdHandoff.Tests.FaultWorker;
using FdHandoff.Worker;
using Serilog;
using Serilog.Extensions.Logging;

// fdhandoff-worker-faults: the real worker's serving (HTTP on Kestrel, line counter, TCP/SCTP echo) plus the fault a
// test asks for through FDHANDOFF_WORKER_FAULT_FILE (see WorkerFaults). Only the supervisor's failure
// tests run it; src/Worker has no fault in it.

var builder = WebApplication.CreateSlimBuilder(args);
var serilog = FdHandoffLogging.CreateLogger("fdhandoff-worker-faults");
builder.Services.AddSerilog(serilog, dispose: true);
// Some faults strike before the host exists: they log through the same Serilog logger (disposed by the host).
var faultLog = new SerilogLoggerFactory(serilog).CreateLogger("FdHandoff.Tests.FaultWorker");

// Read once at start: a test changes the file to change what the next generation does.
var fault = WorkerFaults.Read();
if (fault == WorkerFault.ExitAtStart) return 3;
if (fault == WorkerFault.HangBeforeHello) WorkerFaults.Hang(fault, faultLog);

var handoff = builder.UseFdHandoff(o => o.ReportReadyOnStart = fault != WorkerFault.NeverReady);
if (handoff is not null)
{
    if (fault == WorkerFault.HandOverWhileServing)
        builder.Services.AddHostedService<HandOverWhileServing>();
    if (fault == WorkerFault.HandOverOneThenHang)
        builder.Services.AddHostedService<HandOverOneThenHang>();
    else if (fault == WorkerFault.HoldConnections && handoff.Slot == 0)
        HoldConnections.AskAndNeverTake(handoff, faultLog);
    else
        builder.Services.AddHostedService<LiveConnectionService>();
    if (fault == WorkerFault.HangAfterListeners) WorkerFaults.Hang(fault, faultLog);
}

var app = builder.Build();
if (fault == WorkerFault.IgnoreDrain)
{
    // Blocks the host's stop, so the drain never finishes and the process never exits by itself.
    app.Lifetime.ApplicationStopping.Register(() =>
    {
        FaultLog.IgnoresDrain(faultLog, Environment.ProcessId);
        Thread.Sleep(Timeout.Infinite);
    });
}
var identity = new WorkerIdentity(Environment.ProcessId, handoff?.Generation ?? 0);
app.MapGet("/", (HttpContext context) => identity.WriteAsync(context));

await app.RunAsync();

handoff?.SayBye();
handoff?.Dispose();
return 0;
