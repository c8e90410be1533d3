using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Three upgrades while 16 clients send HTTP requests without a pause: the one procedure behind every
/// "upgrades under load fail no request" test, whatever the listener kind (tcp, mptcp, unix) carrying the load.
/// </summary>
internal static class UpgradesUnderLoad
{
    private const int Clients = 16;
    private const int LastGeneration = 4;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Loads <paramref name="endpoint"/> (on sockets from <paramref name="newSocket"/> when given), upgrades
    /// <paramref name="supervisor"/> from generation 1 to 4, and asserts that no request failed and that generation 4
    /// answered.
    /// </summary>
    public static async Task AssertNoRequestFailsAsync(SupervisorProcess supervisor, EndPoint endpoint, bool keepAlive, Func<Socket>? newSocket = null)
    {
        await using var load = HttpLoad.Start(endpoint, Clients, keepAlive, newSocket);
        await load.WaitForMoreSuccessesAsync(200, Wait);
        for (int generation = 2; generation <= LastGeneration; generation++)
        {
            var upgrade = await supervisor.UpgradeAsync();
            Assert.True(upgrade.ExitCode == 0, upgrade.Stderr);
            // Traffic keeps flowing while the old generation drains, and after it is gone.
            await load.WaitForMoreSuccessesAsync(200, Wait);
            await supervisor.WaitOldGenerationsGoneAsync(generation, Wait);
        }
        await load.WaitForMoreSuccessesAsync(200, Wait);
        var result = await load.StopAsync();

        Assert.True(result.Failed == 0, $"{(keepAlive ? "keep-alive" : "new connection per request")}: {result}\n{supervisor.Log}");
        var lastGeneration = supervisor.SpawnedWorkers().Where(w => w.Generation == LastGeneration).Select(w => w.Pid.ToString());
        Assert.Contains(lastGeneration, result.Responders.Contains);
    }
}
