using FdHandoff.Protocol;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Security;

/// <summary>
/// Nobody but our workers gets a descriptor: rogue peers of the control socket, of this user and of
/// another, try every message kind; each gets nothing, is logged with its pid and uid, and is
/// disconnected, while the service keeps serving the same generation.
/// </summary>
public sealed class SecurityTests
{
    private const int ErrorKind = (int)MessageKind.Error, StatusReplyKind = (int)MessageKind.StatusReply;

    [Fact]
    public async Task A_rogue_process_of_the_same_user_gets_no_descriptor_and_is_disconnected_while_the_service_serves()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var workers = serving.WorkerPids;
        var descriptorsBefore = serving.DescriptorsBefore;
        await using var load = await serving.StartLoadAsync(4, keepAlive: false, successes: 50);

        // The same uid is the admin (it could ptrace the supervisor anyway): upgrade is its right, so it
        // is left out here; status is allowed and must carry no descriptor.
        var attempts = RogueClient.EveryAttempt.Where(a => a != "upgrade").ToList();
        var results = await RogueClient.RunAsync(supervisor.ControlSocket, workers.First(), attempts, supervisor.Directory);
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        var load1 = await load.StopAsync();
        var status = supervisor.Status();

        Assert.Equal(attempts, results.Select(r => r.Name));
        foreach (var r in results)
        {
            Assert.True(r.Connect == "ok" && r.Fds == 0 && r.Closed, $"{r}");
            Assert.Equal(r.Name == "status" ? [StatusReplyKind] : [ErrorKind], r.Replies);
        }
        int rogue = results[0].Pid;
        var refusals = Refusals(supervisor, rogue, uid: 0);
        Assert.Equal(attempts.Count - 1, refusals.Count);
        Assert.Contains(refusals, r => r.Contains("not a worker this supervisor spawned"));
        Assert.Contains(refusals, r => r.Contains("unexpected first message Listeners"));
        // The hand-over kinds are no way in either, with or without the descriptor they carry.
        Assert.Contains(refusals, r => r.Contains("unexpected first message HandOver with 1 descriptors"));
        Assert.Contains(refusals, r => r.Contains("unexpected first message Connection with 1 descriptors"));
        Assert.Contains(refusals, r => r.Contains("unexpected first message ConnectionTaken"));
        Assert.Equal(1, status.Generation);
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).ToHashSet());
        Assert.True(load1.Failed == 0, load1.ToString());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
    }

    [Fact]
    public async Task A_rogue_process_of_another_user_gets_nothing_even_when_the_socket_is_opened_to_everyone()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var workers = serving.WorkerPids;
        var descriptorsBefore = serving.DescriptorsBefore;
        // Defence in depth: even if someone loosened the file permissions, the supervisor checks the peer.
        File.SetUnixFileMode(Path.GetDirectoryName(supervisor.ControlSocket)!, (UnixFileMode)Convert.ToInt32("711", 8));
        File.SetUnixFileMode(supervisor.ControlSocket, (UnixFileMode)Convert.ToInt32("666", 8));
        await using var load = await serving.StartLoadAsync(4, keepAlive: true, successes: 50);

        var results = await RogueClient.RunAsync(supervisor.ControlSocket, workers.First(), RogueClient.EveryAttempt, supervisor.Directory, asUid: RogueClient.Nobody);
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        var load1 = await load.StopAsync();
        var status = supervisor.Status();

        Assert.Equal(RogueClient.EveryAttempt, results.Select(r => r.Name));
        foreach (var r in results)
        {
            Assert.True(r.Connect == "ok" && r.Fds == 0 && r.Closed && r.Uid == RogueClient.Nobody, $"{r}");
            Assert.Equal([ErrorKind], r.Replies);
        }
        int rogue = results[0].Pid;
        var refusals = Refusals(supervisor, rogue, RogueClient.Nobody);
        Assert.Equal(RogueClient.EveryAttempt.Length, refusals.Count);
        Assert.Contains(refusals, r => r.Contains("UpgradeRequest needs uid 0 or root"));
        Assert.Contains(refusals, r => r.Contains("StatusRequest needs uid 0 or root"));
        Assert.Empty(supervisor.Log.All(LogEvents.UpgradeStarting));
        Assert.Equal(1, status.Generation);
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).ToHashSet());
        Assert.True(load1.Failed == 0, load1.ToString());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
    }

    [Fact]
    public async Task Another_user_cannot_even_connect_to_the_default_control_socket()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;

        var results = await RogueClient.RunAsync(supervisor.ControlSocket, 0, ["status", "hello-guessed"], supervisor.Directory, asUid: RogueClient.Nobody);

        Assert.All(results, r => Assert.Equal("EACCES", r.Connect));
        Assert.Equal("700", Convert.ToString((int)File.GetUnixFileMode(Path.GetDirectoryName(supervisor.ControlSocket)!), 8));
        Assert.Equal("600", Convert.ToString((int)File.GetUnixFileMode(supervisor.ControlSocket), 8));
    }

    [Fact]
    public async Task A_ControlSocketGroup_lets_its_members_ask_for_status_but_never_for_descriptors()
    {
        const uint users = 100; // "users" in every Debian-like base image
        await using var serving = await ServingSupervisor.StartAsync("--ControlSocketGroup=users");
        var supervisor = serving.Process;
        int worker = serving.Workers[0].Pid;
        string dir = Path.GetDirectoryName(supervisor.ControlSocket)!;

        var member = await RogueClient.RunAsync(supervisor.ControlSocket, worker, ["status", "hello-worker-pid", "listeners"], supervisor.Directory, asUid: RogueClient.Nobody, groups: [users]);
        var stranger = await RogueClient.RunAsync(supervisor.ControlSocket, worker, ["status"], supervisor.Directory, asUid: RogueClient.Nobody);

        Assert.Equal("660", Convert.ToString((int)File.GetUnixFileMode(supervisor.ControlSocket), 8));
        Assert.Equal("750", Convert.ToString((int)File.GetUnixFileMode(dir), 8));
        Assert.Equal(users, GroupOf(supervisor.ControlSocket));
        Assert.Equal(users, GroupOf(dir));
        Assert.Equal([StatusReplyKind], member[0].Replies);
        Assert.All(member, r => Assert.True(r.Connect == "ok" && r.Fds == 0 && r.Closed, $"{r}"));
        Assert.Equal([ErrorKind], member[1].Replies);
        Assert.Equal([ErrorKind], member[2].Replies);
        Assert.Equal("EACCES", Assert.Single(stranger).Connect);
        Assert.Equal(200, (await RawHttp.GetOnceAsync(serving.Http)).Status);
    }

    [Fact]
    public async Task An_unknown_ControlSocketGroup_gives_one_line_and_exit_2()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var supervisor = SupervisorProcess.Start(options, "--ControlSocketGroup=no-such-group-fdh");
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        Assert.Equal("fdhandoff: ControlSocketGroup 'no-such-group-fdh' is not a group on this system (getent group no-such-group-fdh): create it, or give a gid", Assert.Single(supervisor.Log.Lines));
    }

    [Fact]
    public async Task A_world_writable_runtime_directory_is_refused_with_one_line()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"fdh-open-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("777", 8));
        try
        {
            var options = SupervisorOptions.WithDefaultListeners(out _, out _);
            await using var supervisor = SupervisorProcess.Start(options, "--control-socket", Path.Combine(dir, "control.sock"));
            int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, code);
            var line = Assert.Single(supervisor.Log.Lines, l => l.StartsWith("fdhandoff: "));
            Assert.Equal($"fdhandoff: control socket directory {dir} is writable by others (777): another user could replace the socket; chmod go-w it or choose another ControlSocket", line);
            Assert.Empty(supervisor.SpawnedWorkers());
            Assert.False(File.Exists(Path.Combine(dir, "control.sock")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_symlinked_runtime_directory_is_refused_with_one_line()
    {
        string root = Path.Combine(Path.GetTempPath(), $"fdh-link-{Guid.NewGuid():N}");
        string real = Path.Combine(root, "real");
        string link = Path.Combine(root, "run");
        Directory.CreateDirectory(real);
        Directory.CreateSymbolicLink(link, real);
        try
        {
            var options = SupervisorOptions.WithDefaultListeners(out _, out _);
            await using var supervisor = SupervisorProcess.Start(options, "--control-socket", Path.Combine(link, "control.sock"));
            int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, code);
            var line = Assert.Single(supervisor.Log.Lines, l => l.StartsWith("fdhandoff: "));
            Assert.Equal($"fdhandoff: control socket directory {link} is a symlink: refusing it; use a real directory owned by this user", line);
            Assert.Empty(supervisor.SpawnedWorkers());
            Assert.Empty(Directory.GetFiles(real));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The reasons of the supervisor's refusals (event ConnectionRefused) of the peer <paramref name="pid"/>, <paramref name="uid"/>.</summary>
    private static List<string> Refusals(SupervisorProcess supervisor, int pid, uint uid) =>
        supervisor.Log.All(LogEvents.ConnectionRefused, e => e.Int("PeerPid") == pid && e.Long("PeerUid") == uid).Select(e => e.String("Reason")).ToList();

    private static uint GroupOf(string path)
    {
        var result = ProcessRunner.RunAsync("/usr/bin/stat", ["-c", "%g", path], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return uint.Parse(result.Stdout.Trim());
    }
}
