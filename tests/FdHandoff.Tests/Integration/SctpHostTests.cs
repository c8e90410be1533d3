using System.Net;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration;

/// <summary>
/// SCTP on the host. This host's kernel has no SCTP; the echo, multi-homing and upgrade tests run in a VM
/// with a real SCTP kernel (tests/vm/run.sh). Here: what a person sees when SCTP is missing.
/// </summary>
public sealed class SctpHostTests
{
    [NoSctpFact]
    public async Task Without_sctp_in_the_kernel_the_supervisor_refuses_to_start_with_one_line_saying_how_to_get_it()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        options.Listeners["diameter"] = $"sctp://127.0.0.1:{FreePort.Next()}";

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(supervisor.Log.Lines, l => l.StartsWith("fdhandoff:"));
        Assert.Equal(1, code);
        Assert.Contains("cannot create SCTP listener diameter=sctp://127.0.0.1:", line);
        Assert.Contains("this kernel has no SCTP support (EPROTONOSUPPORT); load the sctp kernel module (modprobe sctp", line);
        Assert.Contains("SkipUnavailableSctp=true", line);
        Assert.Empty(supervisor.SpawnedWorkers());
    }

    [NoSctpFact]
    public async Task Without_sctp_and_told_to_skip_it_the_supervisor_serves_the_rest_and_says_so_loudly()
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        options.Listeners["diameter"] = $"sctp://127.0.0.1:{FreePort.Next()}";

        await using var supervisor = SupervisorProcess.Start(options, "--SkipUnavailableSctp=true");
        await supervisor.WaitServingAsync();

        Assert.Single(supervisor.Log.All(LogEvents.ListenerSkipped, e => e.Level == "Error" && e.Program == "fdhandoff" && e.String("Listener") == "diameter"
            && e.String("Reason").StartsWith("cannot create SCTP listener", StringComparison.Ordinal)));
        Assert.Equal(200, (await RawHttp.GetOnceAsync(new IPEndPoint(IPAddress.Loopback, http))).Status);
        Assert.DoesNotContain("diameter", supervisor.Status().Listeners.Select(l => l.Name));
    }
}
