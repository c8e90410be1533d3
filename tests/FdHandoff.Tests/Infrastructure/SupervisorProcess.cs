using System.Diagnostics;
using System.Text.Json;
using FdHandoff.Protocol;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A real supervisor process (with its real workers) for one test, with its own config, control
/// socket and log. Disposing stops it (SIGTERM, then SIGKILL) and kills any worker it left behind.
/// </summary>
internal sealed class SupervisorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly Func<SupervisorProcess> _again;
    private bool _ownsDirectory = true;

    private SupervisorProcess(Process process, string dir, string controlSocket, OutputLog log, Func<SupervisorProcess> again)
    {
        _process = process;
        _dir = dir;
        ControlSocket = controlSocket;
        Log = log;
        _again = again;
    }

    /// <summary>
    /// Starts another supervisor on this one's configuration, control socket and environment, as systemd's
    /// <c>Restart=</c> would once this one died. The directory stays this one's: dispose the successor first
    /// (declare it after this one).
    /// </summary>
    public SupervisorProcess StartSuccessor()
    {
        var next = _again();
        next._ownsDirectory = false;
        return next;
    }

    public int Pid => _process.Id;

    /// <summary>The configuration file the supervisor was started with (and reads again at each reload).</summary>
    public string ConfigFile => Path.Combine(_dir, "fdhandoff.json");

    /// <summary>Rewrites the configuration file (same control socket), as an operator would before a reload.</summary>
    public void WriteConfig(SupervisorOptions options) => WriteConfig(ConfigJson(options, ControlSocket));

    /// <summary>Replaces the configuration file atomically (rename), so a reload never reads half a file.</summary>
    public void WriteConfig(string json)
    {
        string temporary = ConfigFile + ".new";
        File.WriteAllText(temporary, json);
        File.Move(temporary, ConfigFile, overwrite: true);
    }

    /// <summary>The configuration file for <paramref name="options"/>.</summary>
    public static string ConfigJson(SupervisorOptions options, string controlSocket)
    {
        var workers = new Dictionary<string, object>
        {
            ["Command"] = options.WorkerCommand ?? Binaries.Worker,
            ["Args"] = options.WorkerArgs,
            ["Count"] = options.Workers,
            ["ReadyTimeout"] = options.ReadyTimeout.ToString("c"),
            ["DrainTimeout"] = options.DrainTimeout.ToString("c"),
            ["Environment"] = options.WorkerEnvironment,
        };
        foreach (var (key, value) in options.WorkerSettings) workers[key] = value;
        var config = new Dictionary<string, object>
        {
            ["Listeners"] = options.Listeners,
            ["ControlSocket"] = controlSocket,
            ["Workers"] = workers,
        };
        if (options.MetricsListen is not null) config["Metrics"] = new Dictionary<string, object> { ["Listen"] = options.MetricsListen };
        return JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true });
    }

    public string ControlSocket { get; }
    public string Directory => _dir;
    public OutputLog Log { get; }
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static SupervisorProcess Start(SupervisorOptions options, params string[] extraArgs) =>
        Start(options, launcher: [], environment: null, extraArgs);

    /// <summary>
    /// Starts the supervisor through <paramref name="launcher"/> (a command that ends by exec'ing the rest
    /// of its arguments, e.g. a socket-activation stand-in) with extra <paramref name="environment"/>.
    /// </summary>
    public static SupervisorProcess Start(SupervisorOptions options, string[] launcher, IDictionary<string, string>? environment, params string[] extraArgs)
    {
        string dir = Path.Combine(Path.GetTempPath(), "fdh-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(dir);
        string controlSocket = Path.Combine(dir, "run", "control.sock");
        File.WriteAllText(Path.Combine(dir, "fdhandoff.json"), ConfigJson(options, controlSocket));
        return StartIn(dir, options, launcher, environment, extraArgs);
    }

    private static SupervisorProcess StartIn(string dir, SupervisorOptions options, string[] launcher, IDictionary<string, string>? environment, string[] extraArgs)
    {
        string controlSocket = Path.Combine(dir, "run", "control.sock");
        string configPath = Path.Combine(dir, "fdhandoff.json");

        string executable = options.Executable ?? Binaries.Supervisor;
        var start = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : executable);
        if (launcher.Length > 0)
        {
            foreach (var a in launcher.Skip(1)) start.ArgumentList.Add(a);
            start.ArgumentList.Add(executable);
        }
        // JSON lines (its workers inherit the variable): tests wait on event ids and properties, not wording.
        start.Environment["FDHANDOFF_LOG"] = "json";
        if (environment is not null) foreach (var (k, v) in environment) start.Environment[k] = v;
        if (options.Verb is not null) start.ArgumentList.Add(options.Verb);
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(options.ConfigFile ?? configPath);
        foreach (var a in extraArgs) start.ArgumentList.Add(a);
        var log = new OutputLog();
        return new SupervisorProcess(LoggedProcess.Start(start, log), dir, controlSocket, log, () => StartIn(dir, options, launcher, environment, extraArgs));
    }

    /// <summary>Waits until generation <paramref name="generation"/> serves (all its workers ready).</summary>
    public Task<LogEntry> WaitServingAsync(int generation = 1, TimeSpan? timeout = null) =>
        Log.WaitForEventAsync(LogEvents.Serving, e => e.Int("Generation") == generation, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>
    /// Waits until the state file a supervisor started after this one dies adopts from (rewritten within 200 ms of a
    /// change) names every one of <paramref name="workers"/>: a kill before that leaves them unknown to the next one.
    /// </summary>
    public async Task WaitStateSavedAsync(IEnumerable<int> workers, TimeSpan timeout)
    {
        string path = ControlSocket + ".state";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            string text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (workers.All(pid => System.Text.RegularExpressions.Regex.IsMatch(text, $"\"pid\":{pid}\\b"))) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{path} does not name workers {string.Join(", ", workers)} after {timeout}:\n{text}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until the process exits; returns its exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>
    /// What <c>fdhandoff upgrade</c> does against this supervisor, run in this process: the verb's own code
    /// (<c>AdminCommand.Upgrade</c>), the same request, lines and exit code, without starting a .NET process for each of the
    /// suite's ~60 upgrades. The command line itself is tested by the CLI's tests (CommandLineVerbTests).
    /// </summary>
    public Task<ProcessRunner.Result> UpgradeAsync() =>
        RunVerbInProcess((stdout, stderr) => FdHandoff.Supervisor.Cli.AdminCommand.Upgrade(ControlSocket, TimeSpan.FromSeconds(120), json: false, stdout, stderr));

    /// <summary>What <c>fdhandoff reexec</c> does against this supervisor (the verb's code, in this process), as <see cref="UpgradeAsync"/>.</summary>
    public Task<ProcessRunner.Result> ReexecAsync() =>
        RunVerbInProcess((stdout, stderr) => FdHandoff.Supervisor.Cli.AdminCommand.Reexec(ControlSocket, TimeSpan.FromSeconds(120), json: false, stdout, stderr));

    // A thread of its own for each (the verb blocks on its socket until the answer): on the thread pool, five
    // requests asked at once would wait for threads to be injected, and reach the supervisor one by one.
    private static Task<ProcessRunner.Result> RunVerbInProcess(Func<TextWriter, TextWriter, int> verb) => Task.Factory.StartNew(() =>
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = verb(stdout, stderr);
        return new ProcessRunner.Result(code, stdout.ToString(), stderr.ToString());
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Asks for the status over the control socket.</summary>
    public StatusReply Status()
    {
        using var channel = ControlChannel.Connect(ControlSocket);
        channel.Send(new StatusRequest());
        StatusReply status;
        using (var reply = channel.Receive(TimeSpan.FromSeconds(10))!) status = reply.Read<StatusReply>();
        Assert.Null(channel.Receive(TimeSpan.FromSeconds(10))); // the supervisor closed its end: nothing of ours is left open in it
        return status;
    }

    /// <summary>Waits until every worker of the generations below <paramref name="generation"/> has exited.</summary>
    public async Task WaitOldGenerationsGoneAsync(int generation, TimeSpan timeout)
    {
        var spawned = SpawnedWorkers().Where(w => w.Generation < generation).Select(w => w.Pid).ToList();
        foreach (int pid in spawned)
            await WaitWorkerGoneAsync(pid, timeout);
    }

    /// <summary>Waits until the supervisor logs worker <paramref name="pid"/>'s end: exited or crashed.</summary>
    public Task<LogEntry> WaitWorkerGoneAsync(int pid, TimeSpan timeout, int from = 0) =>
        Log.WaitForEventAsync(LogEvents.WorkerGone, e => e.Int("WorkerPid") == pid, timeout, from);

    /// <summary>Every worker the supervisor logged as spawned: pid and generation.</summary>
    public IReadOnlyList<(int Pid, int Generation)> SpawnedWorkers() =>
        Log.All(LogEvents.WorkerSpawned).Select(e => (e.Int("WorkerPid"), e.Int("Generation"))).ToList();

    /// <summary>
    /// Open descriptors other than the runtime's mapped assemblies (.dll, .so): those grow by two
    /// whenever a code path first loads an assembly, which is no leak. Sockets, pipes, eventfds,
    /// memfds and other files all count.
    /// </summary>
    public IReadOnlyList<string> OpenDescriptors() =>
        System.IO.Directory.GetFiles($"/proc/{Pid}/fd")
            .Select(fd => { try { return new FileInfo(fd).LinkTarget ?? ""; } catch (IOException) { return ""; } })
            .Where(target => !target.EndsWith(".dll", StringComparison.Ordinal) && !target.EndsWith(".so", StringComparison.Ordinal) && !target.Contains(".so.", StringComparison.Ordinal))
            .Select(target => target.StartsWith("socket:") ? "socket" : target.StartsWith("pipe:") ? "pipe" : target)
            .Order()
            .ToList();

    public void Signal(int signal) => Native.Kill(Pid, signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Native.Kill(_process.Id, Native.SIGTERM);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        // A test must not leak processes: kill any worker the supervisor left running.
        foreach (var (pid, _) in SpawnedWorkers())
        {
            if (Native.IsAlive(pid, "fdhandoff-worker")) Native.Kill(pid, Native.SIGKILL);
            // A systemd-protocol worker runs in a session of its own (numbered as its pid), children included.
            foreach (int member in Native.SessionMembers(pid)) Native.Kill(member, Native.SIGKILL);
        }
        _process.Dispose();
        if (!_ownsDirectory) return;
        try { System.IO.Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
