using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary><c>fdhandoff check-config</c> checks a file as a start or a reload would, without a supervisor: exit 0 or 2.</summary>
public sealed class CheckConfigTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_good_file_is_ok_in_one_line_and_nothing_is_bound()
    {
        int http = FreePort.Next();
        string file = Write(SupervisorProcess.ConfigJson(new SupervisorOptions { Listeners = new() { ["http"] = $"tcp://127.0.0.1:{http}" }, Workers = 3 }, "/nonexistent/dir/control.sock"));
        try
        {
            var result = await ProcessRunner.RunAsync(Binaries.Supervisor, ["check-config", "--config", file], Wait);

            Assert.Equal(0, result.ExitCode);
            string line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"fdhandoff check-config: OK: {file} (sha256 ", line);
            Assert.EndsWith($"1 listeners (http), 3 workers of {Binaries.Worker}", line);
            Assert.Empty(result.Stderr);
            Assert.Empty(ProcNet.ListeningInodes(http));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static TheoryData<string> FileCases() => [.. BadConfiguration.FileCases];

    [Theory]
    [MemberData(nameof(FileCases))]
    public async Task A_bad_file_is_its_one_line_and_exit_2(string name)
    {
        var (json, expected) = BadConfiguration.File(name, FreePort.Next(), "/tmp/x.sock");
        string file = Write(json);
        try
        {
            var result = await ProcessRunner.RunAsync(Binaries.Supervisor, ["check-config", "--config", file], Wait);

            Assert.Equal(2, result.ExitCode);
            string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("fdhandoff check-config: ", line);
            Assert.Contains(expected, line);
            Assert.Empty(result.Stdout);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Write(string json)
    {
        string file = Path.Combine(Path.GetTempPath(), $"fdh-check-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, json);
        return file;
    }
}
