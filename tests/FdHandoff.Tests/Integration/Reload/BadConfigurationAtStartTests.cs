using FdHandoff.Tests.Infrastructure;
using FdHandoff.Tests.Integration.Systemd;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>Each bad configuration stops the start with one line naming the key or file and what to write, exit 2.</summary>
public sealed class BadConfigurationAtStartTests
{
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(30);

    public static TheoryData<string> FileCases() => [.. BadConfiguration.FileCases];

    [Theory]
    [MemberData(nameof(FileCases))]
    public async Task A_bad_configuration_file_stops_the_start_with_one_line_and_exit_2(string name)
    {
        int http = FreePort.Next();
        string file = Path.Combine(Path.GetTempPath(), $"fdh-bad-{Guid.NewGuid():N}.json");
        var (json, line) = BadConfiguration.File(name, http, Path.Combine(Path.GetTempPath(), $"fdh-{Guid.NewGuid():N}.sock"));
        File.WriteAllText(file, json);
        try
        {
            await using var supervisor = SupervisorProcess.Start(new SupervisorOptions { ConfigFile = file });
            int code = await supervisor.WaitExitAsync(Exit);

            Assert.Equal(2, code);
            string only = Assert.Single(supervisor.Log.Lines);
            Assert.StartsWith("fdhandoff: ", only);
            Assert.Contains(line, only);
            Assert.Empty(supervisor.SpawnedWorkers());
            Assert.Empty(ProcNet.ListeningInodes(http));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_config_file_that_does_not_exist_is_one_line_and_exit_2()
    {
        await using var supervisor = SupervisorProcess.Start(new SupervisorOptions { ConfigFile = "/nonexistent/fdhandoff.json" });
        Assert.Equal(2, await supervisor.WaitExitAsync(Exit));
        Assert.Equal("fdhandoff: configuration file /nonexistent/fdhandoff.json does not exist: give the path of an existing file to --config", Assert.Single(supervisor.Log.Lines));
    }

    [Fact]
    public async Task The_same_listen_name_twice_on_the_command_line_is_one_line_and_exit_2()
    {
        int a = FreePort.Next(), b = FreePort.Next();
        await using var supervisor = SupervisorProcess.Start(new SupervisorOptions(), "--listen", $"http=tcp://127.0.0.1:{a}", "--listen", $"http=tcp://127.0.0.1:{b}");
        Assert.Equal(2, await supervisor.WaitExitAsync(Exit));
        Assert.Equal($"fdhandoff: --listen http is given twice (tcp://127.0.0.1:{a} and tcp://127.0.0.1:{b}): give each listener its own name, e.g. --listen http2=tcp://127.0.0.1:{b}", Assert.Single(supervisor.Log.Lines));
    }

    [Fact]
    public async Task An_unknown_key_on_the_command_line_is_one_line_and_exit_2()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var supervisor = SupervisorProcess.Start(options, "--Worker:Count=3");
        Assert.Equal(2, await supervisor.WaitExitAsync(Exit));
        Assert.Equal("fdhandoff: command line --Worker:Count: unknown key 'Worker': did you mean 'Workers'?", Assert.Single(supervisor.Log.Lines));
    }

    [Fact]
    public async Task An_unknown_key_in_an_FDHANDOFF_variable_is_one_line_and_exit_2()
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _);
        await using var supervisor = SupervisorProcess.Start(options, [], new Dictionary<string, string> { ["FDHANDOFF_Workers__Cuont"] = "3" });
        Assert.Equal(2, await supervisor.WaitExitAsync(Exit));
        Assert.Equal("fdhandoff: environment variable FDHANDOFF_Workers__Cuont: unknown key 'Workers:Cuont': did you mean 'Workers:Count'?", Assert.Single(supervisor.Log.Lines));
    }

    [Fact]
    public async Task A_systemd_socket_named_after_no_listener_on_a_listeners_address_names_the_mismatch()
    {
        int http = FreePort.Next();
        var options = new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}" } };
        await using var supervisor = SupervisorProcess.Start(options, SocketActivation.Launcher($"web=127.0.0.1:{http}"), null);

        Assert.Equal(2, await supervisor.WaitExitAsync(Exit));
        string line = Assert.Single(supervisor.Log.Lines);
        Assert.Contains($"cannot bind listener http=tcp://127.0.0.1:{http}: its port is in use, and systemd passed sockets named 'web' that no listener is named after", line);
        Assert.Contains("set FileDescriptorName=http in the .socket unit, or rename Listeners:http to web", line);
    }
}
