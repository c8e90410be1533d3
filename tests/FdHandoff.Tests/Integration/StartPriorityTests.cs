using System.Globalization;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>
/// A new generation warms up at Workers:StartNice while the old one serves, and is raised to the supervisor's own
/// priority the moment it reports ready; generation 1 (nothing serves yet) starts at normal priority.
/// </summary>
public sealed class StartPriorityTests
{
    [Fact]
    public async Task A_new_generation_starts_at_StartNice_while_the_old_serves_and_is_raised_when_ready()
    {
        var options = OneFaultWorkerAtNice7(TimeSpan.FromSeconds(60), out string faultFile);
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            int first = supervisor.Status().Workers.Single().Pid;
            Assert.All(ThreadNice(first), n => Assert.Equal(0, n));

            // Generation 2 never reports ready: it stays in its warm-up, where its priority is seen.
            File.WriteAllText(faultFile, "never-ready generation=2");
            var failing = supervisor.UpgradeAsync();
            var handed = await supervisor.Log.WaitForEventAsync(LogEvents.HandedOff, e => e.Int("Generation") == 2, TimeSpan.FromSeconds(60));
            int warming = handed.Int("WorkerPid");
            var warmingNice = ThreadNice(warming);
            Assert.True(warmingNice.Count > 1, $"worker {warming} has {warmingNice.Count} threads");
            Assert.All(warmingNice, n => Assert.Equal(7, n));
            Assert.All(ThreadNice(first), n => Assert.Equal(0, n)); // the serving one keeps its priority
            Native.Kill(warming, 9);
            Assert.Equal(1, (await failing).ExitCode);

            // Generation 3 reports ready: by then every thread of it is back at nice 0.
            File.WriteAllText(faultFile, "");
            var upgrade = await supervisor.UpgradeAsync();
            Assert.Equal(0, upgrade.ExitCode);
            int ready = supervisor.Status().Workers.Single(w => w.Generation == 3).Pid;
            var readyNice = ThreadNice(ready);
            Assert.True(readyNice.Count > 1, $"worker {ready} has {readyNice.Count} threads");
            Assert.All(readyNice, n => Assert.Equal(0, n));
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    [Fact]
    public async Task A_warming_worker_not_ready_a_quarter_into_its_ReadyTimeout_is_raised_anyway()
    {
        var options = OneFaultWorkerAtNice7(TimeSpan.FromSeconds(40), out string faultFile); // raised at 10 s, rolled back at 40 s
        await using var supervisor = SupervisorProcess.Start(options);
        try
        {
            await supervisor.WaitServingAsync();
            File.WriteAllText(faultFile, "never-ready generation=2");
            var failing = supervisor.UpgradeAsync();
            var raised = await supervisor.Log.WaitForEventAsync(LogEvents.WorkerRaisedUnready,
                e => e.Int("Generation") == 2 && Math.Round(e.Double("LimitMs"), MidpointRounding.AwayFromZero) == 10000 && e.Int("Nice") == 0, TimeSpan.FromSeconds(60));
            int pid = raised.Int("WorkerPid");
            Assert.All(ThreadNice(pid), n => Assert.Equal(0, n));
            Native.Kill(pid, 9);
            Assert.Equal(1, (await failing).ExitCode);
        }
        finally
        {
            File.Delete(faultFile);
        }
    }

    /// <summary>One fault worker per generation (the test writes its fault file), Workers:StartNice 7.</summary>
    private static SupervisorOptions OneFaultWorkerAtNice7(TimeSpan readyTimeout, out string faultFile)
    {
        faultFile = Path.Combine(Path.GetTempPath(), $"fdh-fault-{Guid.NewGuid():N}");
        return SupervisorOptions.WithDefaultListeners(out _, out _) with
        {
            Workers = 1,
            ReadyTimeout = readyTimeout,
            WorkerCommand = Binaries.FaultWorker,
            WorkerEnvironment = new() { ["FDHANDOFF_WORKER_FAULT_FILE"] = faultFile },
            WorkerSettings = new() { ["StartNice"] = 7 },
        };
    }

    /// <summary>The nice value of every thread of <paramref name="pid"/> (/proc/PID/task/TID/stat, field 19).</summary>
    private static List<int> ThreadNice(int pid) =>
        Directory.GetDirectories($"/proc/{pid}/task")
            .Select(t => File.ReadAllText(Path.Combine(t, "stat")))
            .Select(stat => int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19 - 3], CultureInfo.InvariantCulture))
            .ToList();
}
