using System.Net.Sockets;
using FdHandoff.Tests.Infrastructure;
using FdHandoff.Tests.Systemd;
using FdHandoff.Unix;

namespace FdHandoff.Tests.Integration.ListenerKinds;

/// <summary>
/// unix:// listeners: made by the supervisor with their mode, served through handed-off sockets (HTTP by Kestrel,
/// echo), the same socket file kept across upgrades and removed at exit; stale files replaced, live ones refused.
/// </summary>
public sealed class UnixListenerTests : IDisposable
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);
    private readonly string _dir = Directory.CreateTempSubdirectory("fdh-unix-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Http => Path.Combine(_dir, "http.sock");
    private string EchoPath => Path.Combine(_dir, "echo.sock");

    private SupervisorOptions Options(string httpQuery = "") => new()
    {
        Listeners = new()
        {
            ["httpu"] = $"unix://{Http}{httpQuery}",
            ["echou"] = $"unix://{EchoPath}",
        },
    };

    // Alone, so that the refusal is the only line (a listener bound before it would be logged, then closed).
    private SupervisorOptions HttpOnly => new() { Listeners = new() { ["httpu"] = $"unix://{Http}" } };

    [Fact]
    public async Task Unix_listeners_serve_http_and_echo_through_handed_off_sockets_with_the_mode_asked_for()
    {
        await using var supervisor = SupervisorProcess.Start(Options("?mode=0666"));
        await supervisor.WaitServingAsync();

        var response = await RawHttp.GetOnceAsync(new UnixDomainSocketEndPoint(Http), null);
        string echoed = await Echo.RoundTripAsync(new UnixDomainSocketEndPoint(EchoPath), "over a unix socket\n", null);

        Assert.Equal(200, response.Status);
        Assert.Contains("generation 1", response.Body);
        Assert.Equal("over a unix socket\n", echoed);
        Assert.Equal((UnixFileMode)0x1B6, File.GetUnixFileMode(Http)); // 0666
        Assert.Equal((UnixFileMode)0x1B0, File.GetUnixFileMode(EchoPath)); // 0660, the default
        Assert.Equal(2, supervisor.Log.All(LogEvents.ListenerReceived, e => e.IsListenerReport("httpu", $"unix://{Http}?mode=0666", "Unix", 0, "Kestrel")).Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upgrades_under_load_on_a_unix_socket_fail_no_request_and_keep_the_socket_file(bool keepAlive)
    {
        await using var supervisor = SupervisorProcess.Start(Options());
        await supervisor.WaitServingAsync();
        var made = FileNode.Lstat(Http);

        await UpgradesUnderLoad.AssertNoRequestFailsAsync(supervisor, new UnixDomainSocketEndPoint(Http), keepAlive);

        Assert.Equal(made, FileNode.Lstat(Http)); // the one socket file, made once, through every generation
    }

    [Fact]
    public async Task The_socket_files_are_removed_when_the_supervisor_exits()
    {
        await using var supervisor = SupervisorProcess.Start(Options());
        await supervisor.WaitServingAsync();

        supervisor.Signal(Native.SIGTERM);
        int code = await supervisor.WaitExitAsync(Exit);

        Assert.Equal(0, code);
        Assert.False(File.Exists(Http));
        Assert.False(File.Exists(EchoPath));
        Assert.Single(supervisor.Log.All(LogEvents.UnixSocketRemoved, e => e.String("Listener") == "httpu" && e.String("Path") == Http));
    }

    [Fact]
    public async Task The_socket_file_stays_when_systemds_fd_store_keeps_the_socket_for_the_next_supervisor()
    {
        using var notify = new NotifyReceiver();
        await using var supervisor = SupervisorProcess.Start(HttpOnly, [], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Address });
        await supervisor.WaitServingAsync();
        await supervisor.Log.WaitForEventAsync(LogEvents.ListenerStored, e => e.String("Listener") == "httpu", Exit);

        supervisor.Signal(Native.SIGTERM);
        int code = await supervisor.WaitExitAsync(Exit);

        Assert.Equal(0, code);
        Assert.True(FileNode.Lstat(Http)!.Value.IsSocket);
        Assert.Single(supervisor.Log.All(LogEvents.UnixSocketKept, e => e.String("Listener") == "httpu" && e.String("Path") == Http));
    }

    [Fact]
    public async Task A_stale_socket_file_left_by_a_crash_is_replaced()
    {
        StaleSocketFile.Create(Http);

        await using var supervisor = SupervisorProcess.Start(Options());
        await supervisor.WaitServingAsync();
        var response = await RawHttp.GetOnceAsync(new UnixDomainSocketEndPoint(Http), null);

        Assert.Single(supervisor.Log.All(LogEvents.StaleUnixSocketReplaced, e => e.String("Listener") == "httpu" && e.String("Path") == Http));
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task A_live_socket_at_the_path_is_refused_with_one_line_and_left_alone()
    {
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(Http));
        live.Listen();

        await using var supervisor = SupervisorProcess.Start(HttpOnly);
        int code = await supervisor.WaitExitAsync(Exit);

        Assert.Equal(1, code);
        Assert.Equal(
            $"fdhandoff: cannot bind listener httpu=unix://{Http}: a process is listening on {Http}; stop it (ss -xlp src {Http}) or change Listeners:httpu",
            Assert.Single(supervisor.Log.Lines));
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(Http)); // still the other process's
        Assert.Empty(supervisor.SpawnedWorkers());
    }

    [Fact]
    public async Task A_file_that_is_not_a_socket_at_the_path_is_refused_and_kept()
    {
        File.WriteAllText(Http, "someone's data");

        await using var supervisor = SupervisorProcess.Start(HttpOnly);
        int code = await supervisor.WaitExitAsync(Exit);

        Assert.Equal(1, code);
        Assert.Equal(
            $"fdhandoff: cannot bind listener httpu=unix://{Http}: {Http} exists and is a regular file, not a socket; remove it yourself if it is not needed, or change Listeners:httpu",
            Assert.Single(supervisor.Log.Lines));
        Assert.Equal("someone's data", File.ReadAllText(Http));
    }

    [Fact]
    public async Task A_datagram_socket_at_the_path_is_refused_with_one_line_and_left_alone()
    {
        using var datagram = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        datagram.Bind(new UnixDomainSocketEndPoint(Http));

        await using var supervisor = SupervisorProcess.Start(HttpOnly);
        int code = await supervisor.WaitExitAsync(Exit);

        Assert.Equal(1, code);
        string line = Assert.Single(supervisor.Log.Lines);
        Assert.StartsWith($"fdhandoff: cannot bind listener httpu=unix://{Http}: {Http} is a socket that a stream connect fails on (Protocol wrong type for socket", line);
        Assert.EndsWith("remove it if nothing uses it, or change Listeners:httpu", line);
        Assert.True(File.Exists(Http));
        Assert.Empty(supervisor.SpawnedWorkers());
    }
}
