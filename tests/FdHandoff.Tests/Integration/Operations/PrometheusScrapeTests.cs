using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Operations;

/// <summary>The metrics as an operator reads them: scraped by a real Prometheus, queried through its HTTP API.</summary>
public sealed class PrometheusScrapeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Prometheus_counts_two_upgrades_ok_and_one_failed_with_three_duration_samples()
    {
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        string metrics = $"127.0.0.1:{FreePort.Next()}";
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with
        {
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
            MetricsListen = metrics,
        };
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            await using var prometheus = await PrometheusServer.StartAsync(metrics);

            Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
            Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
            File.WriteAllText(faultFile, "exit-at-start");
            var failed = await supervisor.UpgradeAsync();
            Assert.Equal(1, failed.ExitCode);

            Assert.Equal(2, await prometheus.WaitForValueAsync("""fdhandoff_upgrades_total{outcome="ok"}""", 2, Wait));
            Assert.Equal(1, await prometheus.WaitForValueAsync("""fdhandoff_upgrades_total{outcome="failed"}""", 1, Wait));
            Assert.Equal(3, await prometheus.WaitForValueAsync("sum(fdhandoff_upgrade_duration_seconds_count)", 3, Wait));
            Assert.Equal(2, await prometheus.WaitForValueAsync("""fdhandoff_workers{role="serving",state="ready"}""", 2, Wait));
            Assert.Equal(3, await prometheus.WaitForValueAsync("fdhandoff_serving_generation", 3, Wait));
            // Generations 1 and 2 retired (the rolled-back generation 3 is no drain of a serving one).
            Assert.Equal(2, await prometheus.WaitForValueAsync("fdhandoff_drain_duration_seconds_count", 2, Wait));
            Assert.True((await prometheus.QueryAsync("fdhandoff_open_fds > 10")).Count == 1, "open fds");
            Assert.True((await prometheus.QueryAsync("fdhandoff_resident_memory_bytes > 1e6")).Count == 1, "RSS");
            Assert.Equal(1, await prometheus.WaitForValueAsync("up", 1, Wait));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }
}
