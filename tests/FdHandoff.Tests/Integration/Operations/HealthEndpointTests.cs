using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Operations;

/// <summary>/healthz and /readyz as a balancer sees them through a supervisor's whole life.</summary>
public sealed class HealthEndpointTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Health_is_503_until_a_generation_serves_200_through_an_upgrade_503_in_a_crash_loop_and_while_stopping()
    {
        string dir = Directory.CreateTempSubdirectory("fdh-health-").FullName;
        using var gate = new WorkerGate(dir);
        string metrics = $"127.0.0.1:{FreePort.Next()}";
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with
        {
            WorkerCommand = gate.Script,
            WorkerEnvironment = gate.Environment,
            MetricsListen = metrics,
            DrainTimeout = TimeSpan.FromSeconds(30),
        };
        // A long restart backoff keeps a crashed slot visibly empty (3 s, then 6 s); a long idle close keeps the
        // stop visible until the test lets go of its connection. Both are wide enough for a starved machine.
        await using var supervisor = SupervisorProcess.Start(options, "--Workers:RestartBackoff=00:00:03", "--Workers:StopCloseIdleAfter=00:00:30");
        try
        {
            // Start: generation 1's workers wait at the gate.
            await supervisor.Log.WaitForEventAsync(LogEvents.MetricsListening, Wait);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 1 && e.Int("Slot") == 1, Wait);
            await AssertBothAsync(metrics, 503, "starting: no generation is ready yet");
            gate.Open();
            await supervisor.WaitServingAsync();
            await AssertBothAsync(metrics, 200, "ok");

            // Upgrade: generation 2 waits at the gate while generation 1 serves; health stays 200 throughout.
            gate.Close();
            var upgrade = supervisor.UpgradeAsync();
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerSpawned, e => e.Int("Generation") == 2 && e.Int("Slot") == 1, Wait);
            await AssertBothAsync(metrics, 200, "ok");
            gate.Open();
            Assert.Equal(0, (await upgrade).ExitCode);
            await AssertBothAsync(metrics, 200, "ok");

            // Crash loop: a serving worker dies and its restarts exit at once; the slot stays empty while the backoff runs.
            gate.Crash = true;
            int victim = supervisor.Status().Workers.First(w => w.Generation == 2).Pid;
            Native.Kill(victim, Native.SIGKILL);
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerRestartScheduled, e => e.Int("Generation") == 2 && e.Int("CrashesInARow") == 2, Wait);
            await AssertBothAsync(metrics, 503, "generation 2 has an empty slot");
            int mark = supervisor.Log.Count;
            gate.Crash = false;
            await supervisor.Log.WaitForEventAsync(LogEvents.WorkerReady, e => e.Int("Generation") == 2, Wait, from: mark);
            await AssertBothAsync(metrics, 200, "ok");

            // Stop: an idle keep-alive connection keeps one worker draining until the test closes it; the probes say 503 meanwhile.
            var keepAlive = new HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await keepAlive.GetAsync($"http://127.0.0.1:{http}/")).StatusCode);
            mark = supervisor.Log.Count;
            supervisor.Signal(Native.SIGTERM);
            await supervisor.Log.WaitForEventAsync(LogEvents.Draining, e => e.String("Reason") == "supervisor stopping", Wait, from: mark);
            var healthz = await HealthProbe.GetAsync(metrics, "/healthz");
            var readyz = await HealthProbe.GetAsync(metrics, "/readyz");
            Assert.Equal(503, healthz.Status);
            Assert.StartsWith("stopping", healthz.Body);
            Assert.Equal(503, readyz.Status);
            Assert.StartsWith("stopping", readyz.Body);
            keepAlive.Dispose();
            Assert.Equal(0, await supervisor.WaitExitAsync(Wait));
        }
        finally
        {
            gate.Crash = false;
            gate.Open();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Health_stays_200_through_a_rolling_upgrade_and_counts_the_slots_of_the_plan_that_serves()
    {
        string metrics = $"127.0.0.1:{FreePort.Next()}";
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with
        {
            MetricsListen = metrics,
            WorkerSettings = new() { ["Strategy"] = "rolling" },
        };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        await AssertBothAsync(metrics, 200, "ok");

        // Mid-roll the slots belong to two generations: each is filled, so every probe of the roll says 200.
        var upgrade = supervisor.UpgradeAsync();
        var answers = new List<string>();
        while (!upgrade.IsCompleted)
        {
            var answer = await HealthProbe.GetAsync(metrics, "/healthz");
            answers.Add($"{answer.Status} {answer.Body}");
        }
        Assert.Equal(0, (await upgrade).ExitCode);
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.StartsWith("200 ok", a));

        // A reload to one worker: the plan that serves has one slot, filled; the start-time count of 2 is gone.
        supervisor.WriteConfig(options with { Workers = 1 });
        Assert.Equal(0, (await supervisor.UpgradeAsync()).ExitCode);
        await AssertBothAsync(metrics, 200, "ok");
    }

    private static async Task AssertBothAsync(string metrics, int status, string body)
    {
        foreach (string path in new[] { "/healthz", "/readyz" })
        {
            var answer = await HealthProbe.GetAsync(metrics, path);
            Assert.True(answer.Status == status && answer.Body.StartsWith(body, StringComparison.Ordinal), $"{path}: {answer.Status} {answer.Body}, expected {status} {body}");
        }
    }

    [Fact]
    public async Task Metrics_on_every_interface_answer_whatever_host_the_request_names()
    {
        int port = FreePort.Next();
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1, MetricsListen = $"0.0.0.0:{port}" };

        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        using var client = new HttpClient();
        using var health = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/healthz") { Headers = { Host = $"monitoring.example:{port}" } };
        using var scrape = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/metrics") { Headers = { Host = $"monitoring.example:{port}" } };
        using var healthAnswer = await client.SendAsync(health);
        using var scrapeAnswer = await client.SendAsync(scrape);

        Assert.Equal(HttpStatusCode.OK, healthAnswer.StatusCode);
        Assert.Contains("fdhandoff_upgrades_total", await scrapeAnswer.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("localhost:9464")]
    [InlineData("127.0.0.1")]
    [InlineData("::1:9464")]
    [InlineData("127.0.0.1:99999")]
    public async Task A_malformed_metrics_address_gives_one_line_and_exit_2_before_anything_is_bound(string address)
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { MetricsListen = address };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(Wait);

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.Equal($"fdhandoff: Metrics:Listen '{address}' is not an address and port: write it as 127.0.0.1:9464 or [::1]:9464", line);
        Assert.Empty(ProcNet.ListeningInodes(http));
    }

    [Fact]
    public async Task A_busy_metrics_port_gives_one_line_and_exit_2_and_spawns_no_worker()
    {
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        squatter.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        squatter.Listen();
        int port = ((IPEndPoint)squatter.LocalEndPoint!).Port;
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { MetricsListen = $"127.0.0.1:{port}" };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(Wait);

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.StartsWith($"fdhandoff: cannot serve metrics on Metrics:Listen 127.0.0.1:{port}: ", line);
        Assert.Contains("change Metrics:Listen", line);
        Assert.Empty(supervisor.SpawnedWorkers());
    }
}
