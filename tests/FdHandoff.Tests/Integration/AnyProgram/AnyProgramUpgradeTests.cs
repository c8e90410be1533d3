using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.AnyProgram;

/// <summary>
/// Programs that know nothing of fdhandoff, only systemd's socket activation, are zero-downtime workers:
/// Debian's gunicorn, and contract_server.py, which checks LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES byte for byte.
/// </summary>
public sealed class AnyProgramUpgradeTests
{
    private const int Clients = 8;
    private const int Upgrades = 3;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Gunicorn_upgrades_under_load_lose_no_request(bool keepAlive)
    {
        await using var supervisor = SupervisorProcess.Start(AnyProgramWorkers.GunicornApp(out int http));
        await supervisor.WaitServingAsync();
        Assert.Equal("Gunicorn arbiter booted", Assert.Single(supervisor.Status().Workers).Status);

        var result = await UpgradeUnderLoadAsync(supervisor, http, keepAlive);

        Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
        Assert.True(result.Responders.Count >= Upgrades + 1, $"answered by {result.Responders.Count} gunicorn processes: {result}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_program_gets_listen_fds_pid_and_names_exactly_as_systemd_sets_them_and_upgrades_under_load_lose_no_request(bool keepAlive)
    {
        var options = AnyProgramWorkers.Contract(out int http, new() { ["Listeners"] = new[] { "http6", "http" } }) with
        {
            Listeners = new() { ["echo"] = $"tcp://127.0.0.1:{FreePort.Next()}" },
        };
        options.Listeners["http"] = $"tcp://127.0.0.1:{http}";
        options.Listeners["http6"] = $"tcp://[::1]:{http}";
        await using var supervisor = SupervisorProcess.Start(options);
        await supervisor.WaitServingAsync();

        int pid = Assert.Single(supervisor.SpawnedWorkers()).Pid;
        var seen = await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http));
        // Workers:Listeners chose two of three listeners and their order: fd 3 is http6, fd 4 http; the echo listener is not passed.
        Assert.Equal(
            $"pid {pid} listen_pid='{pid}' listen_fds='2' listen_fdnames='http6:http' fds=3:inet6:::1:{http},4:inet:127.0.0.1:{http} " +
            $"extra_fds= token= session={pid} child=0\n",
            seen.Body);
        Assert.Equal("serving 2 listeners", Assert.Single(supervisor.Status().Workers).Status);

        var result = await UpgradeUnderLoadAsync(supervisor, http, keepAlive);

        Assert.True(result.Failed == 0, $"{result}\n{supervisor.Log}");
        Assert.Equal(Upgrades + 1, result.Responders.Count);
    }

    private static async Task<LoadResult> UpgradeUnderLoadAsync(SupervisorProcess supervisor, int http, bool keepAlive)
    {
        await using var load = HttpLoad.Start(new IPEndPoint(IPAddress.Loopback, http), Clients, keepAlive);
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        for (int generation = 2; generation <= Upgrades + 1; generation++)
        {
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr + "\n" + supervisor.Log);
            await supervisor.WaitOldGenerationsGoneAsync(generation, TimeSpan.FromSeconds(30));
            await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        }
        return await load.StopAsync();
    }
}
