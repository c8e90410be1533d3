using System.Diagnostics;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Logging;

public sealed class OutputLogTests
{
    private static string JsonLine(int id, string name, string message, string properties) =>
        $$"""{"time":"2025-01-02T12:00:00.0000000+00:00","level":"Information","program":"fdhandoff","pid":4242,"id":{{id}},"event":"{{name}}","message":"{{message}}","template":"","properties":""" + properties + "}";

    private static string Ready(int pid, int generation) =>
        JsonLine(12, "WorkerReady", $"Worker {pid} of generation {generation} ready 5 ms after spawn", $$"""{"WorkerPid":{{pid}},"Generation":{{generation}},"StartToReadyMs":5.2}""");

    [Fact]
    public async Task A_wait_completes_on_the_event_whose_properties_match()
    {
        var log = new OutputLog();
        log.Add(Ready(100, 1));
        var wait = log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Generation") == 2, TimeSpan.FromSeconds(10));
        log.Add("a plain line");
        log.Add(Ready(101, 2));

        var entry = await wait;

        Assert.Equal(101, entry.Int("WorkerPid"));
        Assert.Equal(2, entry.Index);
        Assert.Equal(5.2, entry.Double("StartToReadyMs"));
    }

    [Fact]
    public async Task An_event_of_the_same_id_and_another_name_is_not_ours()
    {
        var log = new OutputLog();
        log.Add(JsonLine(12, "SomethingOfKestrel", "not ours", "{}"));

        await Assert.ThrowsAsync<TimeoutException>(() => log.WaitForEventAsync(LogEvents.WorkerReady, TimeSpan.FromMilliseconds(100)));
        Assert.Empty(log.All(LogEvents.WorkerReady));
    }

    [Fact]
    public void A_console_line_of_a_framework_event_with_one_of_our_ids_is_not_ours()
    {
        var log = new OutputLog();
        log.Add("12:00:00.123 ERR fdhandoff-worker[4243] #13 Connection id \"0HN\", Request id \"0HN:1\": An unhandled exception was thrown by the application.");
        log.Add("12:00:00.124 INF fdhandoff[4242] #13 Worker 4243 of generation 1 draining (upgrade), deadline 5000 ms");

        var draining = Assert.Single(log.All(LogEvents.WorkerDraining));
        Assert.Equal(1, draining.Index);
        Assert.Equal("upgrade", draining.String("Reason"));
        Assert.Equal(5000, draining.Double("DrainMs"));
    }

    [Fact]
    public async Task A_wait_fails_at_once_when_the_output_has_ended()
    {
        var log = new OutputLog();
        log.Add(Ready(100, 1));
        var open = log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Generation") == 2, TimeSpan.FromMinutes(5));
        var clock = Stopwatch.StartNew();

        log.Close("fdhandoff (pid 4242) exited with code 1");

        var e = await Assert.ThrowsAsync<OutputEndedException>(() => open);
        Assert.Contains("exited with code 1", e.Message);
        Assert.Contains("#12 Worker 100 of generation 1 ready", e.Message); // the output, as console lines
        await Assert.ThrowsAsync<OutputEndedException>(() => log.WaitForEventAsync(LogEvents.WorkerExited, TimeSpan.FromMinutes(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"{clock.Elapsed}");
        Assert.Equal(100, (await log.WaitForEventAsync(LogEvents.WorkerReady, TimeSpan.FromMinutes(5))).Int("WorkerPid")); // what is there is still found
    }

    [Fact]
    public async Task A_process_that_exits_ends_the_waits_on_its_log()
    {
        var log = new OutputLog();
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "echo started; exit 3" } };
        using var process = LoggedProcess.Start(start, log);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<OutputEndedException>(() => log.WaitForEventAsync(LogEvents.WorkerReady, TimeSpan.FromMinutes(1)));

        Assert.Contains("exited with code 3", e.Message);
        Assert.Contains("started", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"{clock.Elapsed}");
    }

    [Fact]
    public async Task Waiting_for_a_supervisor_that_exited_fails_at_once_with_its_output()
    {
        await using var supervisor = SupervisorProcess.Start(new SupervisorOptions { ConfigFile = "/nonexistent/fdhandoff.json" });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<OutputEndedException>(() => supervisor.WaitServingAsync(timeout: TimeSpan.FromMinutes(1)));

        Assert.Contains("exited with code 2", e.Message);
        Assert.Contains("fdhandoff: configuration file /nonexistent/fdhandoff.json does not exist", e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"{clock.Elapsed}");
    }

    [Fact]
    public async Task A_predicate_over_a_property_the_event_lacks_fails_the_wait_naming_it()
    {
        var log = new OutputLog();
        var wait = log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Slot") == 0, TimeSpan.FromMinutes(1));
        log.Add(Ready(100, 1));

        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => wait);
        Assert.Contains("has no property Slot", e.Message);
    }
}
