using System.Net;
using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>A draining worker stops accepting, finishes what it has, closes gracefully, and exits in time.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task A_request_in_flight_when_its_worker_drains_is_answered_by_that_worker()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1, DrainTimeout = TimeSpan.FromSeconds(20) };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int old = supervisor.Status().Workers[0].Pid;

        // Answered once the worker drains: a fixed delay raced the upgrade on a loaded machine (3 s, then 8 s, were not enough).
        using var connection = await RawHttp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, http), CancellationToken.None);
        var slow = connection.GetAsync("/until-drain/15000", close: false, CancellationToken.None);
        var upgrade = await supervisor.UpgradeAsync();
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerDraining, e => e.IsAbout(old, 1), TimeSpan.FromSeconds(30));
        var response = await slow;
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerExited, e => e.IsAbout(old, 1) && e.Int("ExitCode") == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(200, response.Status);
        Assert.Contains($"pid {old} generation 1", response.Body);
        Assert.True(response.ConnectionClose, "a response sent while draining must close its connection");
        Assert.Empty(supervisor.Log.All(LogEvents.WorkerKilled, e => e.Int("WorkerPid") == old));
    }

    [Fact]
    public async Task A_draining_worker_accepts_no_new_connection_while_it_finishes_its_last_request()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1, DrainTimeout = TimeSpan.FromSeconds(20) };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int old = supervisor.Status().Workers[0].Pid;
        using var connection = await RawHttp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, http), CancellationToken.None);
        var slow = connection.GetAsync("/slow/10000", close: false, CancellationToken.None);

        var upgrade = await supervisor.UpgradeAsync();
        // Until the old worker has stopped accepting (after its 500 ms Connection: close window); it stays
        // alive while its slow request runs.
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerDraining, e => e.IsAbout(old, 1), TimeSpan.FromSeconds(30));
        await supervisor.Log.WaitForEventAsync(LogEvents.StoppedAccepting, e => e.IsAbout(old, 1) && e.Int("OpenConnections") == 1, TimeSpan.FromSeconds(30));
        var answeredBy = new List<string>();
        for (int i = 0; i < 50; i++)
            answeredBy.Add((await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Body);
        bool oldStillServing = !slow.IsCompleted;
        var last = await slow;

        Assert.Equal(0, upgrade.ExitCode);
        Assert.True(oldStillServing, "the old worker finished its slow request before the 50 were made: nothing was shown");
        Assert.All(answeredBy, body => Assert.Contains("generation 2", body));
        Assert.Contains($"pid {old} generation 1", last.Body);
    }

    [Fact]
    public async Task An_idle_keepalive_connection_is_closed_gracefully_near_the_deadline_and_the_worker_exits_before_it()
    {
        var drain = TimeSpan.FromSeconds(4);
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1, DrainTimeout = drain };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int old = supervisor.Status().Workers[0].Pid;
        using var idle = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await idle.ConnectAsync(new IPEndPoint(IPAddress.Loopback, http));
        await idle.SendAsync("GET / HTTP/1.1\r\nHost: t\r\n\r\n"u8.ToArray(), SocketFlags.None);
        var buffer = new byte[4096];
        Assert.True(await idle.ReceiveAsync(buffer, SocketFlags.None) > 0);

        var upgrade = await supervisor.UpgradeAsync();
        var drainStarted = DateTime.UtcNow;
        // The server closes the idle connection with FIN (a 0-byte read), not RST (an exception).
        int eof = await idle.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
        var closedAfter = DateTime.UtcNow - drainStarted;
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerExited, e => e.IsAbout(old, 1) && e.Int("ExitCode") == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(0, eof);
        Assert.True(closedAfter < drain, $"closed after {closedAfter.TotalMilliseconds:0} ms, the deadline was {drain.TotalMilliseconds:0} ms");
        Assert.Empty(supervisor.Log.All(LogEvents.WorkerKilled, e => e.Int("WorkerPid") == old));
    }

    [Fact]
    public async Task A_request_still_running_at_the_drain_deadline_is_answered_503_and_closed_before_the_kill()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _) with { Workers = 1, DrainTimeout = TimeSpan.FromSeconds(3) };
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();
        int old = supervisor.Status().Workers[0].Pid;
        using var connection = await RawHttp.ConnectAsync(new IPEndPoint(IPAddress.Loopback, http), CancellationToken.None);
        // 15 s of work: far past the 3 s drain deadline.
        var slow = connection.GetAsync("/slow/15000", close: false, CancellationToken.None);

        var upgrade = await supervisor.UpgradeAsync();
        var response = await slow.WaitAsync(TimeSpan.FromSeconds(30));
        bool fin = await connection.ClosedCleanlyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await supervisor.Log.WaitForEventAsync(LogEvents.RequestsCutAtDeadline, e => e.IsAbout(old, 1) && e.Int("RequestsCut") == 1, TimeSpan.FromSeconds(30));
        await supervisor.Log.WaitForEventAsync(LogEvents.WorkerExited, e => e.IsAbout(old, 1) && e.Int("ExitCode") == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(0, upgrade.ExitCode);
        Assert.Equal(503, response.Status);
        Assert.True(response.ConnectionClose, "the 503 must close its connection");
        Assert.True(fin, "the connection must end with FIN after the answer");
        Assert.Empty(supervisor.Log.All(LogEvents.WorkerKilled, e => e.Int("WorkerPid") == old));
    }

    [Fact]
    public async Task Stopping_the_supervisor_drains_every_worker_and_removes_the_control_socket()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        var supervisor = SupervisorProcess.Start(options);
        await using (supervisor)
        {
            await supervisor.WaitServingAsync();
            var workers = supervisor.Status().Workers.Select(w => w.Pid).ToList();

            supervisor.Signal(Native.SIGTERM);
            int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(0, code);
            Assert.All(workers, pid => Assert.Single(supervisor.Log.All(LogEvents.WorkerExited, e => e.IsAbout(pid, 1) && e.Int("ExitCode") == 0)));
            Assert.False(File.Exists(supervisor.ControlSocket));
        }
    }
}
