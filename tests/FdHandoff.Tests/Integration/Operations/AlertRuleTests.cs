using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Operations;

/// <summary>
/// The example alerts of docs/operations.md (deploy/prometheus/fdhandoff-alerts.yml) load in Prometheus and fire
/// on the series they are about, checked by Prometheus' own promtool against tests/prometheus/fdhandoff-alerts.test.yml.
/// </summary>
public sealed class AlertRuleTests
{
    [Fact]
    public async Task The_example_alerts_load_and_fire_on_a_failed_upgrade_a_crash_loop_an_empty_slot_and_a_kill_at_the_deadline()
    {
        string rules = Path.Combine(Binaries.Repository, "deploy", "prometheus", "fdhandoff-alerts.yml");
        string unitTests = Path.Combine(Binaries.Repository, "tests", "prometheus", "fdhandoff-alerts.test.yml");

        var check = await ProcessRunner.RunAsync("/usr/bin/promtool", ["check", "rules", rules], TimeSpan.FromSeconds(60));
        var test = await ProcessRunner.RunAsync("/usr/bin/promtool", ["test", "rules", unitTests], TimeSpan.FromSeconds(60));

        Assert.True(check.ExitCode == 0, check.Stdout + check.Stderr);
        Assert.Contains("SUCCESS: 5 rules found", check.Stdout);
        Assert.True(test.ExitCode == 0, test.Stdout + test.Stderr);
    }
}
