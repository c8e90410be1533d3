using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>A failed upgrade leaves the serving generation untouched (invariant 5).</summary>
public sealed class RollbackTests
{
    [Theory]
    [InlineData("never-ready", "not ready after")]
    [InlineData("exit-at-start", "exited with code 3 before it reported ready")]
    public async Task A_new_generation_that_fails_is_rolled_back_while_the_old_keeps_serving(string fault, string reason)
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        string faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        options = options with
        {
            ReadyTimeout = TimeSpan.FromSeconds(8),
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            var generation1 = supervisor.Status().Workers.Select(w => w.Pid).ToHashSet();
            await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 8, keepAlive: false);
            await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));

            File.WriteAllText(faultFile, fault);
            var upgrade = await supervisor.UpgradeAsync();
            var failedGeneration = supervisor.SpawnedWorkers().Where(w => w.Generation == 2).Select(w => w.Pid).ToList();
            foreach (int pid in failedGeneration)
                await supervisor.WaitWorkerGoneAsync(pid, TimeSpan.FromSeconds(30));
            await load.WaitForMoreSuccessesAsync(100, TimeSpan.FromSeconds(30));
            var result = await load.StopAsync();
            var status = supervisor.Status();

            Assert.Equal(1, upgrade.ExitCode);
            Assert.Contains("failed, generation 1 still serving", upgrade.Stderr);
            Assert.Contains(reason, upgrade.Stderr);
            Assert.Single(upgrade.Stderr.Trim().Split('\n'));
            Assert.Equal(1, status.Generation);
            Assert.Equal(generation1, status.Workers.Select(w => w.Pid).ToHashSet());
            Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
            Assert.Contains("failed", status.LastUpgrade);

            // Once the fault is gone the next upgrade goes through.
            File.Delete(faultFile);
            var retry = await supervisor.UpgradeAsync();
            Assert.True(retry.ExitCode == 0, retry.Stderr);
            Assert.Contains("generation 1 -> 3", retry.Stdout);
        }
        finally
        {
            File.Delete(faultFile);
        }
    }
}
