using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.ListenerKinds;

/// <summary>Each mistake in a udp, unix or mptcp listener: one line naming the listener, what is wrong and what to write; exit 2.</summary>
public sealed class ListenerKindsBadInputTests
{
    [Theory]
    [InlineData("unix://run/app/http.sock", "path 'run/app/http.sock' is relative", "unix:///run/app/http.sock?mode=0660&group=www-data")]
    [InlineData("unix:///run/app/http.sock?mode=0888", "mode '0888' is not octal permissions such as 0660", "unix:///run/app/http.sock?mode=0660&group=www-data")]
    [InlineData("unix:///run/app/http.sock?group=no-such-group-fdh", "group 'no-such-group-fdh' does not exist on this host (getent group no-such-group-fdh)", "unix:///run/app/http.sock?mode=0660&group=www-data")]
    [InlineData("unix:///run/app/http.sock?user=www", "unknown option 'user' (mode, group or backlog)", "unix:///run/app/http.sock?mode=0660&group=www-data")]
    [InlineData("udp://127.0.0.1:5353?backlog=64", "unknown option 'backlog' (a udp listener takes none", "udp://127.0.0.1:5353 or udp://[::1]:5353")]
    [InlineData("udp://localhost:5353", "'localhost' is not an IP address", "udp://127.0.0.1:5353 or udp://[::1]:5353")]
    [InlineData("mptcp://127.0.0.1:0", "port '0' is not a number from 1 to 65535", "mptcp://127.0.0.1:8080 or mptcp://[::1]:8080")]
    [InlineData("mptcp://127.0.0.1:80?mode=0660", "unknown option 'mode' (only backlog)", "mptcp://127.0.0.1:8080 or mptcp://[::1]:8080")]
    public async Task A_malformed_listener_of_a_new_kind_gives_one_line_with_the_form_to_use_and_exit_2(string address, string what, string form)
    {
        var options = new SupervisorOptions { Listeners = new() { ["web"] = address } };

        await using var supervisor = SupervisorProcess.Start(options);
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        var line = Assert.Single(supervisor.Log.Lines);
        Assert.Equal(2, code);
        Assert.StartsWith($"fdhandoff: listener 'web' ({address}): ", line);
        Assert.Contains(what, line);
        Assert.EndsWith("write it as " + form, line);
        Assert.Empty(supervisor.SpawnedWorkers());
    }
}
