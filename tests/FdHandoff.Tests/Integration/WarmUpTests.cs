using System.Globalization;
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
        var warmed = await supervisor.Log.WaitForAsync(@"^(\S+) INF fdhandoff-worker\[(\d+)\] Worker \d+ of generation 2 warmed up: 1 requests through its own pipeline in (\d+) ms", Wait);
        int pid = int.Parse(warmed.Groups[2].Value, CultureInfo.InvariantCulture);
        var ready = await supervisor.Log.WaitForAsync($@"^(\S+) INF fdhandoff\[\d+\] Worker {pid} of generation 2 ready \d+ ms after spawn", Wait);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        // With the old generation gone, these are surely the new worker's.
        for (int i = 0; i < 5; i++) answers.Add((TimeOnly.FromDateTime(DateTime.Now), (await RawHttp.GetOnceAsync(endpoint)).Body));

        var warmedAt = LogTime(warmed.Groups[1].Value);
        var fromNew = answers.Where(a => a.Body.Contains($"pid {pid} generation 2")).ToList();
        Assert.Equal(0, upgrade.ExitCode);
        Assert.Empty(failures);
        Assert.All(answers, a => Assert.DoesNotContain("status", a.Body));
        Assert.True(int.Parse(warmed.Groups[3].Value, CultureInfo.InvariantCulture) >= 1500, warmed.Value); // the configured path was the warm-up
        Assert.True(After(LogTime(ready.Groups[1].Value), warmedAt), $"ready before warmed up:\n{warmed.Value}\n{ready.Value}");
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
        Assert.Single(supervisor.Log.All(@"warm-up not over after 1000 ms \(at GET /slow/60000\); accepting anyway"));
        Assert.Empty(supervisor.Log.All("warmed up"));
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
        await supervisor.Log.WaitForAsync("FdHandoffWorker:WarmUp: 'health'", Wait); // the worker's line, read from its pipe

        Assert.NotEqual(0, upgrade.ExitCode);
        var line = Assert.Single(supervisor.Log.Lines, l => l.Contains("FdHandoffWorker:WarmUp"));
        Assert.Contains("fdhandoff-worker: FdHandoffWorker:WarmUp: 'health' is not a request path; write paths that start with '/'", line);
        Assert.Empty(supervisor.Log.All(@"^\s+at "));
        Assert.Equal(200, response.Status);
        Assert.Contains($"pid {serving} generation 1", response.Body);
    }

    private static TimeOnly LogTime(string hhmmssfff) => TimeOnly.ParseExact(hhmmssfff, "HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>Whether <paramref name="later"/> is at or after <paramref name="earlier"/> (within half a day: across midnight too).</summary>
    private static bool After(TimeOnly later, TimeOnly earlier) => later - earlier < TimeSpan.FromHours(12);
}
