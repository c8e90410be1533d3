using FdHandoff.Listeners;
using FdHandoff.Supervisor;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Tests.Unit;

/// <summary>The keys of systemd-protocol workers that a start or a reload refuses with one line (the rules of their definitions).</summary>
public sealed class SystemdWorkerCheckTests
{
    private static readonly ListenerSpec[] Http = [ListenerSpec.Parse("http=tcp://127.0.0.1:8080")];

    [Theory]
    [InlineData(0)]
    [InlineData(0.004)]
    [InlineData(10)]
    [InlineData(4_000_000)]
    public void A_watchdog_of_0_or_from_4_ms_to_4000000_s_is_taken(double seconds)
    {
        SettingsLoader.Check(new SupervisorSettings(Http, new WorkerSettings { Protocol = WorkerProtocol.Systemd, WatchdogSec = seconds }, "", ""));
    }

    [Theory]
    [InlineData(-1, "-1")]
    [InlineData(0.001, "0.001")]
    [InlineData(4_000_001, "4000001")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(double.NaN, "NaN")]
    public void Any_other_watchdog_is_one_line_naming_the_range(double seconds, string shown)
    {
        var e = Assert.Throws<SupervisorException>(() => SettingsLoader.Check(new SupervisorSettings(Http, new WorkerSettings { Protocol = WorkerProtocol.Systemd, WatchdogSec = seconds }, "", "")));

        Assert.Equal($"Workers:WatchdogSec is {shown}: use 0 (no watchdog) or a number of seconds from 0.004 to 4000000", e.Message);
        Assert.Equal(SupervisorException.ConfigurationError, e.ExitCode);
    }

    [Theory]
    [InlineData("SIGKILL", "SIGKILL (9) cannot be caught")]
    [InlineData("9", "SIGKILL (9) cannot be caught")]
    [InlineData("STOP", null)]
    [InlineData("19", "SIGSTOP (19) cannot be caught")]
    public void A_drain_signal_that_cannot_be_caught_is_one_line_saying_why(string signal, string? why)
    {
        var e = Assert.Throws<SupervisorException>(() => SettingsLoader.Check(new SupervisorSettings(Http, new WorkerSettings { Protocol = WorkerProtocol.Systemd, DrainSignal = signal }, "", "")));

        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"Workers:DrainSignal", e.Message);
        if (why is not null) Assert.Contains(why, e.Message);
        Assert.Equal(SupervisorException.ConfigurationError, e.ExitCode);
    }
}
