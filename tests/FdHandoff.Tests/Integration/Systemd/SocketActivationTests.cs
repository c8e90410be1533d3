using System.Net;
using System.Text;
using FdHandoff.Sockets;
using FdHandoff.Tests.Infrastructure;
using FdHandoff.Tests.Systemd;

namespace FdHandoff.Tests.Integration.Systemd;

/// <summary>
/// The supervisor's side of systemd, on a host where systemd is not PID 1: activate.py passes sockets
/// the way systemd does (fds from 3, LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES) and a bound datagram socket
/// plays NOTIFY_SOCKET. tests/systemd runs the same against a real systemd.
/// </summary>
public sealed class SocketActivationTests
{
    [Fact]
    public async Task Listeners_passed_by_systemd_are_adopted_by_name_and_the_rest_are_bound()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out int echo);
        await using var supervisor = SupervisorProcess.Start(options, SocketActivation.Launcher($"http=127.0.0.1:{http}", $"http6=[::1]:{http}"), null);
        await supervisor.WaitServingAsync();

        var v4 = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));
        var v6 = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.IPv6Loopback, http));

        Assert.Single(supervisor.Log.All(LogEvents.ListenerAdopted, e => e.String("Listener") == "http" && e.String("Address") == $"tcp://127.0.0.1:{http}" && e.Int("Fd") == 3));
        Assert.Single(supervisor.Log.All(LogEvents.ListenerAdopted, e => e.String("Listener") == "http6" && e.String("Address") == $"tcp://[::1]:{http}" && e.Int("Fd") == 4));
        Assert.Single(supervisor.Log.All(LogEvents.ListenerBound, e => e.String("Listener") == "echo" && e.String("Address") == $"tcp://127.0.0.1:{echo}"));
        Assert.Equal(200, v4.Status);
        Assert.Equal(200, v6.Status);
        Assert.Equal(["bound", "systemd", "systemd"], supervisor.Status().Listeners.OrderBy(l => l.Name).Select(l => l.Origin));
    }

    [Fact]
    public async Task A_passed_socket_that_does_not_match_its_listener_is_refused_with_one_line()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        int other = FreePort.Next();
        string refusal = await SocketActivation.RefusalAsync(options, $"http=127.0.0.1:{other}");

        Assert.Equal(
            $"fdhandoff: systemd passed fd 3 named 'http' is bound to 127.0.0.1:{other}, listener http=tcp://127.0.0.1:{http} wants 127.0.0.1:{http}: make FileDescriptorName=http in the .socket unit and Listeners:http = tcp://127.0.0.1:{http} agree",
            refusal);
    }

    [Fact]
    public async Task A_passed_socket_no_listener_wants_is_closed_with_a_warning()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        int stale = FreePort.Next();
        await using var supervisor = SupervisorProcess.Start(options, SocketActivation.Launcher($"old=127.0.0.1:{stale}"), null);
        await supervisor.WaitServingAsync();

        Assert.Single(supervisor.Log.All(LogEvents.PassedFdUnclaimed, e => e.Int("Fd") == 3 && e.String("Listener") == "old"));
        Assert.Empty(ProcNet.ListeningInodes(stale));
        Assert.Equal(200, (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Status);
    }

    [Fact]
    public async Task Bound_listeners_go_to_the_fd_store_and_an_upgrade_is_reloading_then_ready()
    {
        using var notify = new NotifyReceiver();
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        await using var supervisor = SupervisorProcess.Start(options, [], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Address });
        await supervisor.WaitServingAsync();

        var stored = new Dictionary<string, int>();
        for (int i = 0; i < 3; i++)
        {
            using var message = notify.Receive();
            string text = Encoding.UTF8.GetString(message.Data);
            Assert.StartsWith("FDSTORE=1\nFDNAME=", text);
            var fd = Assert.Single(message.TakeDescriptors());
            using (fd)
            {
                Assert.True(SocketProbe.IsListening(fd));
                stored[text["FDSTORE=1\nFDNAME=".Length..]] = fd.Value;
            }
        }
        Assert.Equal(["echo", "http", "http6"], stored.Keys.Order());

        var upgrade = await supervisor.UpgradeAsync();
        var messages = ReceiveUntil(notify, m => m.StartsWith("READY=1"));

        Assert.Equal(0, upgrade.ExitCode);
        int reloading = messages.FindIndex(m => m.StartsWith("RELOADING=1\nSTATUS=upgrading from generation 1"));
        Assert.True(reloading >= 0, string.Join(" | ", messages));
        Assert.Matches(@"^READY=1\nSTATUS=generation 2: 2 workers ready; last upgrade to generation 2 ok", messages[^1]);
    }

    [Fact]
    public async Task A_unix_listener_a_reload_adds_goes_to_the_fd_store_and_its_socket_file_outlives_the_supervisor()
    {
        using var notify = new NotifyReceiver();
        string dir = Directory.CreateTempSubdirectory("fdh-store-").FullName;
        try
        {
            string path = Path.Combine(dir, "httpu.sock");
            var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
            var supervisor = SupervisorProcess.Start(options, [], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Address });
            await using (supervisor)
            {
                await supervisor.WaitServingAsync();
                supervisor.WriteConfig(options with { Listeners = new(options.Listeners) { ["httpu"] = $"unix://{path}" } });
                var upgrade = await supervisor.UpgradeAsync();
                Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
                supervisor.Signal(Native.SIGTERM);
                await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));
            }

            // The next supervisor adopts the stored socket at this path: the file must still be there.
            Assert.Single(supervisor.Log.All(LogEvents.UnixSocketKept, e => e.String("Listener") == "httpu" && e.String("Path") == path));
            Assert.True(File.Exists(path), supervisor.Log.ToString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_watchdog_is_pinged_only_while_the_supervisor_runs()
    {
        using var notify = new NotifyReceiver();
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Workers = 1 };
        var env = new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = notify.Address,
            ["WATCHDOG_USEC"] = "200000",
        };
        await using var supervisor = SupervisorProcess.Start(options, [], env);
        try
        {
            await supervisor.Log.WaitForEventAsync(LogEvents.WatchdogEnabled, e => Math.Round(e.Double("PingMs"), MidpointRounding.AwayFromZero) == 100, TimeSpan.FromSeconds(30));
            ReceiveUntil(notify, m => m == "WATCHDOG=1");

            // Wedged from outside, as a deadlock would leave it: every thread stopped. The supervisor
            // has no switch for this; systemd's watchdog exists to notice exactly this.
            supervisor.Signal(Native.SIGSTOP);
            await Native.WaitForStateAsync(supervisor.Pid, 'T', TimeSpan.FromSeconds(10));
            while (notify.TryReceiveText() is not null) { } // what was sent before the stop took effect
            // Five ping intervals of silence: a ping would have come by now from a running supervisor.
            var duringStall = new List<string>();
            while (notify.ReceiveTextWithin(TimeSpan.FromMilliseconds(500)) is { } m) duringStall.Add(m);

            supervisor.Signal(Native.SIGCONT);
            ReceiveUntil(notify, m => m == "WATCHDOG=1");

            Assert.DoesNotContain("WATCHDOG=1", duringStall);
        }
        finally
        {
            supervisor.Signal(Native.SIGCONT); // else it could not answer the SIGTERM of the clean-up
        }
    }

    private static List<string> ReceiveUntil(NotifyReceiver notify, Func<string, bool> last)
    {
        var seen = new List<string>();
        while (true)
        {
            using var datagram = notify.Receive(); // closes any descriptor it carried (FDSTORE)
            string m = Encoding.UTF8.GetString(datagram.Data);
            seen.Add(m);
            if (last(m)) return seen;
        }
    }
}
