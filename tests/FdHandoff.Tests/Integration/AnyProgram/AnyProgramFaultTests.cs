using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.AnyProgram;

/// <summary>
/// What can go wrong with a systemd-protocol worker: a stranger on the notify socket, a program that never
/// says READY=1, one that is missing, not executable or exits at once, children left behind, a silent watchdog.
/// Each costs one clear line, and the serving generation is untouched.
/// </summary>
public sealed class AnyProgramFaultTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_stranger_saying_ready_changes_nothing_and_is_logged_and_a_worker_that_never_says_ready_is_rolled_back()
    {
        string noReady = Path.Combine(Path.GetTempPath(), "fdh-noready-" + Guid.NewGuid().ToString("N")[..8]);
        var options = AnyProgramWorkers.Contract(out int http, environment: new() { ["CONTRACT_NO_READY_FILE"] = noReady }) with { ReadyTimeout = TimeSpan.FromSeconds(10) };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int serving = Assert.Single(supervisor.SpawnedWorkers()).Pid;
        File.WriteAllText(noReady, "");
        try
        {
            var upgrade = supervisor.UpgradeAsync();
            await supervisor.Log.WaitForEventAsync(LogEvents.ProgramRunning, e => e.Int("Generation") == 2, Wait);
            var rogue = await ProcessRunner.RunAsync("python3", [Path.Combine(AnyProgramWorkers.Dir, "rogue_notify.py"), Path.Combine(supervisor.Directory, "run", "notify.sock"), @"READY=1\nSTATUS=hijacked"], Wait);
            Assert.Equal(0, rogue.ExitCode);
            await supervisor.Log.WaitForEventAsync(LogEvents.NotifyRefused, e => e.String("Reason").StartsWith("not the main process of any worker", StringComparison.Ordinal), Wait);

            var result = await upgrade;
            // The upgrade's answer comes once generation 2 is told to drain; until it has exited it may still accept.
            foreach (var (pid, _) in supervisor.SpawnedWorkers().Where(w => w.Generation == 2))
                await supervisor.WaitWorkerGoneAsync(pid, Wait);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("generation 1 still serving: 1 of 1 workers not ready after 10 s", result.Stderr);
            var status = supervisor.Status();
            Assert.Equal(1, status.Generation);
            Assert.Equal("serving 1 listeners", Assert.Single(status.Workers, w => w.Generation == 1).Status);
            Assert.DoesNotContain(status.Workers, w => w.Status == "hijacked");
            Assert.StartsWith($"pid {serving} ", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
        }
        finally
        {
            File.Delete(noReady);
        }
    }

    [Fact]
    public async Task A_flood_of_notifications_from_a_stranger_costs_a_line_a_second_and_changes_nothing()
    {
        await using var supervisor = SupervisorProcess.Start(AnyProgramWorkers.Contract(out int http));
        await supervisor.WaitServingAsync();
        int serving = Assert.Single(supervisor.SpawnedWorkers()).Pid;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var rogue = await ProcessRunner.RunAsync("python3", [Path.Combine(AnyProgramWorkers.Dir, "rogue_notify.py"), Path.Combine(supervisor.Directory, "run", "notify.sock"), @"READY=1\nSTATUS=hijacked\nWATCHDOG=trigger", "20000"], Wait);
        Assert.Equal(0, rogue.ExitCode);
        await supervisor.Log.WaitForEventAsync(LogEvents.NotifyRefused, Wait);
        // The supervisor still answers at once, and nothing of the worker changed.
        var status = supervisor.Status();

        int lines = supervisor.Log.All(LogEvents.NotifyRefused).Count;
        Assert.InRange(lines, 1, (int)clock.Elapsed.TotalSeconds + 2);
        Assert.Equal(1, status.Generation);
        var worker = Assert.Single(status.Workers);
        Assert.Equal((serving, "ready", "serving 1 listeners"), (worker.Pid, worker.State, worker.Status));
        Assert.StartsWith($"pid {serving} ", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
    }

    [Theory]
    [InlineData("main", false)]
    [InlineData("all", true)]
    public async Task Ready_from_a_child_of_the_worker_counts_only_with_notify_access_all(string access, bool counts)
    {
        var options = AnyProgramWorkers.Contract(out int http, new() { ["NotifyAccess"] = access }, new() { ["CONTRACT_READY_FROM_CHILD"] = "1" }) with { ReadyTimeout = TimeSpan.FromSeconds(counts ? 30 : 6) };
        await using var supervisor = SupervisorProcess.Start(options);

        if (counts)
        {
            await supervisor.WaitServingAsync();
            Assert.Equal("ready from a child", Assert.Single(supervisor.Status().Workers).Status);
            Assert.StartsWith("pid ", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
        }
        else
        {
            Assert.Equal(1, await supervisor.WaitExitAsync(Wait));
            Assert.True(supervisor.Log.All(LogEvents.NotifyRefused, e => e.String("Reason").StartsWith("not the main process of any worker (Workers:NotifyAccess = main)", StringComparison.Ordinal)).Any(), supervisor.Log.ToString());
            // The one-line refusal a person reads (no event): its wording is the subject.
            Assert.Contains(supervisor.Log.Lines, l => l.StartsWith("fdhandoff: generation 1 did not become ready: 1 of 1 workers not ready after 6 s"));
        }
    }

    [Theory]
    [InlineData("missing", "not found")]
    [InlineData("not executable", "is not executable")]
    [InlineData("exits at once", "exited with code 3 before it was ready")]
    [InlineData("not a program", "could not be started: cannot execute")]
    public async Task A_broken_program_at_upgrade_gives_one_line_and_the_serving_generation_stays(string fault, string line)
    {
        string dir = Directory.CreateTempSubdirectory("fdh-prog-").FullName;
        string program = Path.Combine(dir, "app");
        File.WriteAllText(program, $"#!/bin/sh\nexec /usr/bin/python3 {AnyProgramWorkers.ContractScript}\n");
        File.SetUnixFileMode(program, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = AnyProgramWorkers.Contract(out int http) with { WorkerCommand = program, WorkerArgs = [] };
        try
        {
            await using var supervisor = SupervisorProcess.Start(options);
            await supervisor.WaitServingAsync();
            int serving = Assert.Single(supervisor.SpawnedWorkers()).Pid;
            switch (fault)
            {
                case "missing": File.Delete(program); break;
                case "not executable": File.SetUnixFileMode(program, UnixFileMode.UserRead); break;
                case "exits at once": File.WriteAllText(program, "#!/bin/sh\nexit 3\n"); break;
                case "not a program": File.WriteAllText(program, "this is no program\n"); break;
            }

            var result = await supervisor.UpgradeAsync();

            Assert.Equal(1, result.ExitCode);
            var stderr = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("generation 1 still serving", stderr);
            Assert.True(stderr.Contains(line), stderr);
            Assert.Contains(program, stderr);
            Assert.Equal(1, supervisor.Status().Generation);
            Assert.StartsWith($"pid {serving} ", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("missing", "not found", 2)]
    [InlineData("not executable", "is not executable", 2)]
    [InlineData("exits at once", "exited with code 1 before it was ready", 1)]
    public async Task A_broken_program_at_start_gives_one_line_and_a_non_zero_exit(string fault, string line, int exitCode)
    {
        string dir = Directory.CreateTempSubdirectory("fdh-prog-").FullName;
        string program = fault == "exits at once" ? "/bin/false" : Path.Combine(dir, "app");
        if (fault == "not executable") File.WriteAllText(program, "#!/bin/sh\n");
        try
        {
            await using var supervisor = SupervisorProcess.Start(AnyProgramWorkers.Contract(out _) with { WorkerCommand = program, WorkerArgs = [] });

            Assert.Equal(exitCode, await supervisor.WaitExitAsync(Wait));
            var fatal = Assert.Single(supervisor.Log.Lines, l => l.StartsWith("fdhandoff: "));
            Assert.Contains(line, fatal);
            Assert.Contains(program, fatal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task No_process_of_a_gunicorn_worker_survives_its_drain()
    {
        await using var supervisor = SupervisorProcess.Start(AnyProgramWorkers.GunicornApp(out _, processes: 3));
        await supervisor.WaitServingAsync();
        int arbiter = Assert.Single(supervisor.SpawnedWorkers()).Pid;
        // The arbiter forks its workers once it is ready: wait until all three are there.
        var deadline = DateTime.UtcNow + Wait;
        while (Native.SessionMembers(arbiter).Count < 4 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var group = Native.SessionMembers(arbiter);
        Assert.Equal(4, group.Count);

        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);

        foreach (int pid in group) Assert.True(await Native.WaitForExitAsync(pid, TimeSpan.FromSeconds(5)), $"pid {pid} of worker {arbiter} outlived its drain");
        Assert.Empty(Native.SessionMembers(arbiter));
    }

    [Fact]
    public async Task A_child_that_ignores_the_drain_signal_is_killed_with_its_worker()
    {
        var options = AnyProgramWorkers.Contract(out int http, environment: new() { ["CONTRACT_STUBBORN_CHILD"] = "1" });
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        string body = (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body;
        int child = int.Parse(body[(body.IndexOf("child=", StringComparison.Ordinal) + 6)..].Trim());
        Assert.True(Native.IsAlive(child, "contract_server.py"));

        var upgrade = await supervisor.UpgradeAsync();
        Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
        await supervisor.WaitOldGenerationsGoneAsync(2, Wait);

        Assert.True(await Native.WaitForExitAsync(child, TimeSpan.FromSeconds(5)), $"child {child} kept the sockets after its worker drained");
    }

    [Fact]
    public async Task A_program_that_sends_nothing_is_ready_once_started_with_ready_started()
    {
        string noReady = Path.Combine(Path.GetTempPath(), "fdh-noready-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(noReady, "");
        try
        {
            var options = AnyProgramWorkers.Contract(out int http, new() { ["Ready"] = "started", ["ReadyDelay"] = "00:00:00.200" }, new() { ["CONTRACT_NO_READY_FILE"] = noReady });
            await using var supervisor = SupervisorProcess.Start(options);
            await supervisor.WaitServingAsync();
            int pid = Assert.Single(supervisor.SpawnedWorkers()).Pid;

            Assert.StartsWith($"pid {pid} ", (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
            Assert.Null(Assert.Single(supervisor.Status().Workers).Status);
        }
        finally
        {
            File.Delete(noReady);
        }
    }

    [Fact]
    public async Task A_worker_that_stops_pinging_the_watchdog_is_killed_and_restarted()
    {
        string noReady = Path.Combine(Path.GetTempPath(), "fdh-noready-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(noReady, "");
        try
        {
            // Ready once started, and never a WATCHDOG=1: the watchdog must fire.
            var options = AnyProgramWorkers.Contract(out _, new() { ["Ready"] = "started", ["WatchdogSec"] = 1 }, new() { ["CONTRACT_NO_READY_FILE"] = noReady });
            await using var supervisor = SupervisorProcess.Start(options);
            await supervisor.WaitServingAsync();
            int first = Assert.Single(supervisor.SpawnedWorkers()).Pid;

            await supervisor.Log.WaitForEventAsync(LogEvents.WatchdogExpired, e => e.IsAbout(first, 1) && Math.Round(e.Double("WatchdogMs")) == 1000, Wait);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerRestartScheduled, e => e.Int("Slot") == 0 && e.Int("Generation") == 1, Wait);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 1 && e.Int("WorkerPid") != first, Wait);
        }
        finally
        {
            File.Delete(noReady);
        }
    }

    [Fact]
    public async Task A_worker_that_pings_the_watchdog_keeps_serving()
    {
        var options = AnyProgramWorkers.Contract(out int http, new() { ["WatchdogSec"] = 1 });
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int pid = Assert.Single(supervisor.SpawnedWorkers()).Pid;

        // Three watchdog periods: every check in them found a recent ping.
        await using (var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), 2, keepAlive: true))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(3);
            while (DateTime.UtcNow < deadline) await load.WaitForMoreSuccessesAsync(10, Wait);
            Assert.Equal(0, (await load.StopAsync()).Failed);
        }
        Assert.Empty(supervisor.Log.All(LogEvents.WatchdogExpired));
        Assert.Equal(pid, Assert.Single(supervisor.SpawnedWorkers()).Pid);
    }
}
