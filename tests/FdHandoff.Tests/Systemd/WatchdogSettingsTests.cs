using FdHandoff.Systemd;

namespace FdHandoff.Tests.Systemd;

public sealed class WatchdogSettingsTests
{
    [Fact]
    public void The_ping_interval_is_half_the_watchdog_timeout()
    {
        var watchdog = WatchdogSettings.Parse("30000000", null, ourPid: 100);

        Assert.NotNull(watchdog);
        Assert.Equal(TimeSpan.FromSeconds(30), watchdog.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(15), watchdog.PingInterval);
    }

    [Fact]
    public void A_watchdog_for_our_pid_is_ours_and_one_for_another_is_not()
    {
        Assert.NotNull(WatchdogSettings.Parse("1000000", "100", ourPid: 100));
        Assert.Null(WatchdogSettings.Parse("1000000", "99", ourPid: 100));
    }

    [Fact]
    public void No_WATCHDOG_USEC_means_no_watchdog() =>
        Assert.Null(WatchdogSettings.Parse(null, null, ourPid: 100));

    [Theory]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("soon", null)]
    [InlineData("18446744073709551615", null)]
    [InlineData("1000000", "pid")]
    public void Values_systemd_would_not_write_are_refused(string usec, string? pid) =>
        Assert.Throws<SystemdEnvironmentException>(() => WatchdogSettings.Parse(usec, pid, ourPid: 100));
}
