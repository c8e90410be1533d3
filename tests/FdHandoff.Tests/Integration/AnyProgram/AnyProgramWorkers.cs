using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.AnyProgram;

/// <summary>Supervisor options for systemd-protocol workers: gunicorn, and contract_server.py (Python, by hand).</summary>
internal static class AnyProgramWorkers
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Integration", "AnyProgram");
    public static string ContractScript => Path.Combine(Dir, "contract_server.py");
    public const string Gunicorn = "/usr/bin/gunicorn";

    /// <summary>contract_server.py on one IPv4 HTTP listener (plus any <paramref name="extra"/> Workers keys).</summary>
    public static SupervisorOptions Contract(out int httpPort, Dictionary<string, object>? extra = null, Dictionary<string, string>? environment = null)
    {
        httpPort = FreePort.Next();
        var settings = new Dictionary<string, object> { ["Protocol"] = "systemd" };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{httpPort}" },
            Workers = 1,
            WorkerCommand = "/usr/bin/python3",
            WorkerArgs = [ContractScript],
            WorkerSettings = settings,
            WorkerEnvironment = environment ?? [],
        };
    }

    /// <summary>
    /// Debian's gunicorn with <paramref name="processes"/> sync workers, serving wsgi_app.py on the inherited
    /// socket: it reads LISTEN_FDS and sends READY=1 itself, nothing to configure. SIGTERM is its graceful stop;
    /// its graceful timeout stays inside our drain deadline.
    /// </summary>
    public static SupervisorOptions GunicornApp(out int httpPort, int processes = 2)
    {
        httpPort = FreePort.Next();
        return new SupervisorOptions
        {
            Listeners = new() { ["http"] = $"tcp://127.0.0.1:{httpPort}" },
            Workers = 1,
            DrainTimeout = TimeSpan.FromSeconds(10),
            WorkerCommand = Gunicorn,
            WorkerArgs = ["--chdir", Dir, "--workers", processes.ToString(), "--graceful-timeout", "5", "wsgi_app:app"],
            WorkerSettings = new() { ["Protocol"] = "systemd" },
        };
    }
}
