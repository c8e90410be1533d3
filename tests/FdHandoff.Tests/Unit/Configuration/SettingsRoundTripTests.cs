using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Tests.Unit.Configuration;

/// <summary>
/// Settings written out as configuration pairs (what a generation ran with, to be saved across a re-exec) read
/// back through the loader to equal settings, for every key.
/// </summary>
public sealed class SettingsRoundTripTests
{
    private static readonly string Worker = WorkerCommand.Resolve(Infrastructure.Binaries.Worker);

    /// <summary>Every key at a value other than its default: lists, maps, durations, enums, the nullable ones.</summary>
    private static Dictionary<string, string> EveryKey() => new()
    {
        ["Listeners:v6"] = "tcp://[::1]:8081",
        ["Listeners:http"] = "tcp://127.0.0.1:8080?backlog=1024",
        ["Listeners:unixy"] = "unix:///tmp/fdh-round-trip.sock?mode=0600&group=1234",
        ["Listeners:dia"] = "sctp://10.0.0.1,10.0.0.2:3868",
        ["Listeners:dns"] = "udp://[::1]:5353",
        ["Workers:Command"] = Worker,
        ["Workers:Args:0"] = "--flag",
        ["Workers:Args:1"] = "two words",
        ["Workers:Args:2"] = "",
        ["Workers:Environment:A"] = "1",
        ["Workers:Environment:EMPTY"] = "",
        ["Workers:Count"] = "3",
        ["Workers:Strategy"] = "rolling",
        ["Workers:ReadyTimeout"] = "00:01:00",
        ["Workers:DrainTimeout"] = "00:00:02.5",
        ["Workers:StopCloseIdleAfter"] = "00:00:00.25",
        ["Workers:OrphanTimeout"] = "00:00:30",
        ["Workers:RestartBackoff"] = "00:00:00.2",
        ["Workers:MaxRestartBackoff"] = "1.00:00:00",
        ["Workers:StartNice"] = "0",
        ["Workers:Protocol"] = "systemd",
        ["Workers:Listeners:0"] = "v6",
        ["Workers:Listeners:1"] = "http",
        ["Workers:Ready"] = "started",
        ["Workers:ReadyDelay"] = "00:00:01",
        ["Workers:NotifyAccess"] = "all",
        ["Workers:WatchdogSec"] = "0.25",
        ["Workers:DrainSignal"] = "SIGINT",
        ["ControlSocket"] = "/tmp/fdh-round-trip/control.sock",
        ["ControlSocketGroup"] = "1234",
        ["Control:FirstMessageTimeout"] = "00:00:07",
        ["Metrics:Listen"] = "[::1]:9464",
        ["SkipUnavailableSctp"] = "true",
    };

    [Fact]
    public void Settings_written_out_read_back_equal_for_every_key()
    {
        var settings = SupervisorSettings.FromPairs(EveryKey(), "test");

        var pairs = settings.ToPairs();
        var back = SupervisorSettings.FromPairs(pairs, "saved state");

        SettingsComparison.AssertEqual(settings, back);
        Assert.Equal(pairs, back.ToPairs());
    }

    [Fact]
    public void The_sample_gives_every_defined_key_and_each_differs_from_its_default()
    {
        var given = EveryKey().Keys.Select(k => k.Split(':')).ToList();
        foreach (var key in SupervisorSettings.Keys)
            Assert.True(given.Any(k => string.Join(':', k.Take(key.Path.Split(':').Length)) == key.Path), $"{key.Path} has no value in the round-trip sample: give it one other than its default");

        SettingsComparison.AssertDifferentEverywhere(SupervisorSettings.FromPairs(EveryKey(), "test"), SupervisorSettings.Defaults);
    }

    [Fact]
    public void Defaults_written_out_read_back_equal()
    {
        var settings = SupervisorSettings.FromPairs(new Dictionary<string, string> { ["Listeners:http"] = "tcp://127.0.0.1:8080", ["Workers:Command"] = Worker }, "test");

        SettingsComparison.AssertEqual(settings, SupervisorSettings.FromPairs(settings.ToPairs(), "saved state"));
        Assert.Contains(new KeyValuePair<string, string>("Workers:RestartBackoff", "00:00:00.1"), settings.ToPairs());
        Assert.Contains(new KeyValuePair<string, string>("ControlSocketGroup", ""), settings.ToPairs());
    }

    [Fact]
    public void A_worker_command_behind_a_symlink_is_written_out_as_the_real_path_it_resolved_to()
    {
        string dir = Directory.CreateTempSubdirectory("fdh-round-trip-").FullName;
        try
        {
            string link = Path.Combine(dir, "current");
            File.CreateSymbolicLink(link, Infrastructure.Binaries.Worker);
            var settings = SupervisorSettings.FromPairs(new Dictionary<string, string> { ["Listeners:http"] = "tcp://127.0.0.1:8080", ["Workers:Command"] = link }, "test");

            Assert.Equal(link, settings.Workers.Command);
            Assert.Contains(new KeyValuePair<string, string>("Workers:Command", Worker), settings.ToPairs());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
