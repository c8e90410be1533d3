using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>
/// A new ASP.NET Core worker runs its warm-up requests (FdHandoffWorker:WarmUp) through its own pipeline before it
/// accepts a connection from the shared listeners and before it says ready: no client of the serving generation
/// meets its cold request path. A slow or broken warm-up is a warning line, a malformed one a one-line refusal.
/// </summary>
public sealed class WarmUpTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_new_worker_takes_no_connection_and_is_not_ready_before_its_warm_up_request_has_been_answered()
    {
        // The warm-up is a 1.5 s request: long enough that a worker accepting before it ends would be seen.
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with
        {
            Workers = 1,
            WorkerEnvironment = new() { ["FdHandoffWorker__WarmUp"] = "/slow/1500" },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        var endpoint = new IPEndPoint(IPAddress.Loopback, http);
        var answers = new List<(TimeOnly At, string Body)>();
        var failures = new List<string>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var response = await RawHttp.GetOnceAsync(endpoint);
                    var at = TimeOnly.FromDateTime(DateTime.Now);
                    lock (answers) answers.Add((at, response.Status == 200 ? response.Body : $"status {response.Status}"));
                }
                catch (Exception e) { lock (failures) failures.Add(e.Message); }
            }
        })).ToList();

        var upgrade = await supervisor.UpgradeAsync();
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);
        var warmed = await supervisor.Log.WaitForEventAsync(LogEvents.WarmedUp,
            e => e.Program == "fdhandoff-worker" && e.Level == "Information" && e.Int("Generation") == 2 && e.Int("WarmUpRequests") == 1, Wait);
        int pid = warmed.Pid;
        var ready = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Program == "fdhandoff" && e.Level == "Information" && e.IsAbout(pid, 2), Wait);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        // With the old generation gone, these are surely the new worker's.
        for (int i = 0; i < 5; i++) answers.Add((TimeOnly.FromDateTime(DateTime.Now), (await RawHttp.GetOnceAsync(endpoint)).Body));

        var warmedAt = LogTime(warmed);
        var fromNew = answers.Where(a => a.Body.Contains($"pid {pid} generation 2")).ToList();
        Assert.Equal(0, upgrade.ExitCode);
        Assert.Empty(failures);
        Assert.All(answers, a => Assert.DoesNotContain("status", a.Body));
        Assert.True(warmed.Int("WarmUpMs") >= 1500, warmed.ToString()); // the configured path was the warm-up
        Assert.True(After(LogTime(ready), warmedAt), $"ready before warmed up:\n{warmed}\n{ready}");
        Assert.NotEmpty(fromNew);
        // A log line's time is cut to the millisecond, so it is never later than the moment it stands for.
        Assert.All(fromNew, a => Assert.True(After(a.At, warmedAt), $"answered at {a.At:HH:mm:ss.fff}, before its warm-up ended at {warmedAt:HH:mm:ss.fff}"));
    }

    [Fact]
    public async Task A_warm_up_slower_than_its_limit_is_a_warning_and_the_worker_serves_anyway()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with
        {
            Workers = 1,
            WorkerEnvironment = new() { ["FdHandoffWorker__WarmUp"] = "/slow/60000", ["FdHandoffWorker__WarmUpTimeout"] = "00:00:01" },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync(timeout: TimeSpan.FromSeconds(30));

        var response = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));

        Assert.Equal(200, response.Status);
        Assert.Contains("generation 1", response.Body);
        Assert.Single(supervisor.Log.All(LogEvents.WarmUpTimedOut, e => e.Int("WarmUpTimeoutMs") == 1000 && e.String("WarmUpPath") == "/slow/60000"));
        Assert.Empty(supervisor.Log.All(LogEvents.WarmedUp));
    }

    [Fact]
    public async Task A_malformed_warm_up_path_at_reload_stops_the_new_worker_with_one_line_and_the_serving_generation_stays()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1 };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int serving = supervisor.Status().Workers.Single().Pid;

        supervisor.WriteConfig(options with { WorkerEnvironment = new() { ["FdHandoffWorker__WarmUp"] = "health" } });
        var upgrade = await supervisor.UpgradeAsync();
        var response = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));
        // The worker's one-line refusal (no log event: it stops before its logger exists), read from its pipe; its wording is the subject.
        await supervisor.Log.WaitForAsync("FdHandoffWorker:WarmUp: 'health'", Wait);

        Assert.NotEqual(0, upgrade.ExitCode);
        var line = Assert.Single(supervisor.Log.Lines, l => l.Contains("FdHandoffWorker:WarmUp"));
        Assert.Contains("fdhandoff-worker: FdHandoffWorker:WarmUp: 'health' is not a request path; write paths that start with '/'", line);
        Assert.Empty(supervisor.Log.All(@"^\s+at ")); // no stack trace: not on a line of its own,
        Assert.DoesNotContain(supervisor.Log.Events, e => e.Exception is not null); // nor inside an event
        Assert.Equal(200, response.Status);
        Assert.Contains($"pid {serving} generation 1", response.Body);
    }

    /// <summary>An event's local time of day, cut to the millisecond as a console line shows it.</summary>
    private static TimeOnly LogTime(LogEntry entry)
    {
        var local = entry.Time.ToLocalTime().TimeOfDay;
        return TimeOnly.FromTimeSpan(TimeSpan.FromTicks(local.Ticks - local.Ticks % TimeSpan.TicksPerMillisecond));
    }

    /// <summary>Whether <paramref name="later"/> is at or after <paramref name="earlier"/> (within half a day: across midnight too).</summary>
    private static bool After(TimeOnly later, TimeOnly earlier) => later - earlier < TimeSpan.FromHours(12);
}
