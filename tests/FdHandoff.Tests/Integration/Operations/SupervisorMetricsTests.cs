using System.Globalization;
using System.Text.RegularExpressions;
using FdHandoff.Protocol;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Operations;

/// <summary>The failure counters as /metrics shows them: each event counted once, where it happened.</summary>
public sealed class SupervisorMetricsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_crash_a_refused_control_connection_and_workers_killed_at_the_deadline_are_each_counted()
    {
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        string metrics = $"127.0.0.1:{FreePort.Next()}";
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with
        {
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
            MetricsListen = metrics,
            // Long enough for a healthy worker to drain on a loaded machine (with 2 s, generation 1's healthy
            // workers were killed too: 4 kills counted); generation 2's, which ignore the drain, wait it out.
            DrainTimeout = TimeSpan.FromSeconds(8),
        };
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            var before = await ScrapeAsync(metrics);
            Assert.Equal(0, Value(before, "fdhandoff_worker_crashes_total"));
            Assert.Equal(0, Value(before, "fdhandoff_workers_killed_total"));
            Assert.Equal(6, Value(before, "fdhandoff_listeners_handed_off_total")); // 3 listeners to each of 2 workers

            // A Hello from a process the supervisor did not spawn (this test) is refused.
            using (var stranger = ControlChannel.Connect(supervisor.ControlSocket))
            {
                stranger.Send(new HelloMessage(Environment.ProcessId, 1, new string('A', 64)));
                await supervisor.Log.WaitForEventAsync(LogEvents.ConnectionRefused,
                    e => e.Int("PeerPid") == Environment.ProcessId && e.String("Reason").StartsWith("not a worker this supervisor spawned", StringComparison.Ordinal), Wait);
            }

            // A worker of the serving generation dies: one crash, one restart.
            int victim = supervisor.Status().Workers[0].Pid;
            int mark = supervisor.Log.Count;
            Native.Kill(victim, Native.SIGKILL);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Generation") == 1, Wait, from: mark);

            // Generation 2 ignores its drain: when generation 3 replaces it, both its workers are killed at the deadline.
            File.WriteAllText(faultFile, "ignore-drain");
            Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
            File.Delete(faultFile);
            mark = supervisor.Log.Count;
            Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
            await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 2, Wait, from: mark);

            var after = await ScrapeAsync(metrics);
            Assert.Equal(1, Value(after, "fdhandoff_worker_crashes_total"));
            Assert.Equal(1, Value(after, "fdhandoff_worker_restarts_total"));
            Assert.Equal(2, Value(after, "fdhandoff_workers_killed_total"));
            Assert.Equal(1, Value(after, """fdhandoff_control_refusals_total{otel_scope_name="FdHandoff.Supervisor",reason="unknown_peer"}"""));
            Assert.Equal(2, Value(after, "fdhandoff_drain_duration_seconds_count"));
            Assert.True(Value(after, "fdhandoff_drain_duration_seconds_sum") >= 2 * 0.9, "generation 2's drain lasted the deadline");
            Assert.Equal(3, Value(after, "fdhandoff_serving_generation"));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    [Fact]
    public async Task A_refused_reload_counts_as_a_failed_upgrade_and_a_rolling_retirement_as_a_drain()
    {
        string metrics = $"127.0.0.1:{FreePort.Next()}";
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1, MetricsListen = metrics };
        await using var supervisor = SupervisorProcess.Start(options, launcher: [], environment: new Dictionary<string, string> { ["FDHANDOFF_Workers__Strategy"] = "rolling" });
        await supervisor.WaitServingAsync();

        Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
        await supervisor.Log.WaitForEventAsync(LogEvents.GenerationRetired, e => e.Int("PreviousGeneration") == 1, Wait);
        // The alert FdHandoffUpgradeFailed must fire for a deploy whose configuration is refused.
        supervisor.WriteConfig(options with { Workers = 0 });
        var refused = await supervisor.UpgradeAsync();
        var after = await ScrapeAsync(metrics);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(1, Value(after, """fdhandoff_upgrades_total{otel_scope_name="FdHandoff.Supervisor",outcome="ok"}"""));
        Assert.Equal(1, Value(after, """fdhandoff_upgrades_total{otel_scope_name="FdHandoff.Supervisor",outcome="failed"}"""));
        Assert.Equal(1, Value(after, "fdhandoff_drain_duration_seconds_count"));
    }

    private static Task<string> ScrapeAsync(string address) => Client.GetStringAsync($"http://{address}/metrics");

    /// <summary>The value of one series: a metric name (its only series, scope label aside) or a full series with labels.</summary>
    private static double Value(string exposition, string series)
    {
        string pattern = series.Contains('{')
            ? $@"(?m)^{Regex.Escape(series)} (\S+)"
            : $@"(?m)^{Regex.Escape(series)}(?:\{{otel_scope_name=""FdHandoff.Supervisor""\}})? (\S+)";
        var match = Regex.Match(exposition, pattern);
        Assert.True(match.Success, $"{series} not in /metrics:\n{exposition}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
