using FdHandoff.Logging;
using Serilog;

// One entry of each kind the sink produces: plain fields, the binary form, a memfd, an exception.
var sink = new JournaldSink("journald-probe");
using (var log = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
{
    log.Information("Worker {WorkerPid} of generation {Generation} ready on {Address}", 4242, 7, "tcp://0.0.0.0:8080");
    log.Warning("two{Sep}lines", "\n");
    log.Information("Big {Payload}", new string('x', 300 * 1024));
    try { throw new InvalidOperationException("boom"); }
    catch (InvalidOperationException e) { log.Fatal(e, "failed"); }
}
Console.WriteLine($"dropped={sink.DroppedCount}");
