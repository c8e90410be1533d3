using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Operations;

/// <summary>
/// What a new user types first: help, the version, a mistyped verb. Each answers and exits, and none of them
/// starts a supervisor: the environment names a listener port, a metrics port and a control socket that a
/// supervisor would bind, and none of them is touched.
/// </summary>
public sealed class CommandLineVerbTests
{
    public static TheoryData<string[], int, string> Cases => new()
    {
        { ["--help"], 0, "Description:" },
        { ["-h"], 0, "Description:" },
        { ["help"], 0, "Description:" },
        { ["help", "upgrade"], 0, "Description:" },
        { ["status", "--help"], 0, "Description:" },
        { ["--version"], 0, "fdhandoff " },
        { ["upgade"], 2, "fdhandoff: unknown verb 'upgade' (the verbs: run, upgrade, reexec, stop-orphans, status, check-config, help)" },
        { ["--bogus"], 2, "fdhandoff: unknown option '--bogus'" },
        { ["run", "--bogus"], 2, "fdhandoff run: unknown option '--bogus'" },
        { ["status", "--bogus"], 2, "fdhandoff status: unknown option '--bogus'" },
        { ["upgrade", "--timeout", "soon"], 2, "fdhandoff upgrade: Cannot parse argument 'soon' for option '--timeout'" },
        { ["help", "upgade"], 2, "fdhandoff help: unknown verb 'upgade'" },
        { ["--workers"], 2, "fdhandoff: Required argument missing for option: '--workers'" },
        { ["[suggest]", "up"], 0, "upgrade" },
        { ["[bogus]"], 2, "fdhandoff: unknown directive '[bogus]'" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Help_version_and_mistakes_answer_with_their_exit_code_and_start_nothing(string[] args, int exitCode, string firstLine)
    {
        string dir = Directory.CreateTempSubdirectory("fdh-cli-").FullName;
        int port = FreePort.Next(), metricsPort = FreePort.Next();
        string runtime = Path.Combine(dir, "run");
        try
        {
            var env = new Dictionary<string, string>
            {
                ["FDHANDOFF_Listeners__http"] = $"tcp://127.0.0.1:{port}",
                ["FDHANDOFF_Metrics__Listen"] = $"127.0.0.1:{metricsPort}",
                ["FDHANDOFF_ControlSocket"] = Path.Combine(runtime, "control.sock"),
                ["FDHANDOFF_Workers__Command"] = Binaries.Worker,
                ["RUNTIME_DIRECTORY"] = runtime,
            };

            // A supervisor would not exit by itself: the timeout is the first proof that none started; strace
            // records every bind and listen the process makes.
            string trace = Path.Combine(dir, "trace");
            var result = await ProcessRunner.RunAsync("strace", ["-f", "-qq", "-e", "trace=bind,listen", "-o", trace, Binaries.Supervisor, .. args], TimeSpan.FromSeconds(30), env);

            Assert.Equal(exitCode, result.ExitCode);
            string output = exitCode == 0 ? result.Stdout : result.Stderr;
            Assert.StartsWith(firstLine, output);
            if (exitCode == 2)
            {
                var lines = result.Stderr.TrimEnd('\n').Split('\n');
                Assert.Equal(2, lines.Length);
                Assert.StartsWith("usage: fdhandoff", lines[1]);
            }
            // The runtime's own diagnostics socket (dotnet-diagnostic-PID-...) is the only thing bound.
            Assert.All(File.ReadLines(trace).Where(l => l.Contains(" bind(")), l => Assert.Contains("dotnet-diagnostic-", l));
            Assert.False(Directory.Exists(runtime), "the control socket's directory was created");
            Assert.Empty(ProcNet.ListeningInodes(port));
            Assert.Empty(ProcNet.ListeningInodes(metricsPort));
            Assert.DoesNotContain("bound on", result.Stdout + result.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Help_lists_the_verbs_the_configuration_sources_and_keys_and_the_exit_codes()
    {
        var result = await ProcessRunner.RunAsync(Binaries.Supervisor, ["--help"], TimeSpan.FromSeconds(30));

        foreach (string verb in new[] { "run", "upgrade", "status", "check-config", "help" })
            Assert.Matches($@"(?m)^  {verb}\b", result.Stdout);
        Assert.Contains("--config <FILE>", result.Stdout);
        Assert.Contains("FDHANDOFF_* environment variables", result.Stdout);
        Assert.Contains("Metrics:Listen", result.Stdout);
        Assert.Contains("Exit codes:", result.Stdout);
        Assert.Contains("3  no supervisor answers on the control socket", result.Stdout);
    }

    [Fact]
    public async Task Version_names_the_version_and_the_commit_it_was_built_from()
    {
        var result = await ProcessRunner.RunAsync(Binaries.Supervisor, ["--version"], TimeSpan.FromSeconds(30));

        Assert.Matches(@"^fdhandoff \d+\.\d+\.\d+\S* \(commit ([0-9a-f]{12}|unknown)\)\n$", result.Stdout);
    }

    [Theory]
    [InlineData("run")]
    [InlineData(null)]
    public async Task Run_and_the_bare_form_both_start_the_supervisor_with_configuration_keys_on_the_command_line(string? verb)
    {
        var options = SupervisorOptions.WithDefaultListeners(out _, out _) with { Verb = verb };

        await using var supervisor = SupervisorProcess.Start(options, "--Workers:Count=1");
        await supervisor.WaitServingAsync();

        Assert.Single(supervisor.Status().Workers);
    }
}
