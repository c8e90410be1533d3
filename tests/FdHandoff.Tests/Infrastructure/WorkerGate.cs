namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A worker command that waits at a gate the test holds (an exclusive lock on a file: .NET's FileShare.None
/// takes flock(LOCK_EX), and the script's <c>flock -s</c> waits for it), then execs the real worker (same pid,
/// so the supervisor's checks hold). While <see cref="Crash"/> is set, it exits at once with code 3 instead.
/// Lets a test see the supervisor before a generation is ready and while a slot is empty.
/// </summary>
internal sealed class WorkerGate : IDisposable
{
    private readonly string _lockFile;
    private readonly string _crashFile;
    private FileStream? _held;

    public WorkerGate(string dir)
    {
        _lockFile = Path.Combine(dir, "gate.lock");
        _crashFile = Path.Combine(dir, "gate.crash");
        Script = Path.Combine(dir, "gated-worker.sh");
        File.WriteAllText(Script, """
            #!/bin/sh
            [ -e "$FDH_GATE_CRASH" ] && exit 3
            flock -s "$FDH_GATE_LOCK" true
            exec "$FDH_GATE_WORKER" "$@"
            """);
        File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Close();
    }

    public string Script { get; }

    public Dictionary<string, string> Environment => new()
    {
        ["FDH_GATE_LOCK"] = _lockFile,
        ["FDH_GATE_CRASH"] = _crashFile,
        ["FDH_GATE_WORKER"] = Binaries.Worker,
    };

    /// <summary>Workers started from now on wait.</summary>
    public void Close() => _held ??= new FileStream(_lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

    /// <summary>Waiting workers go on.</summary>
    public void Open()
    {
        _held?.Dispose();
        _held = null;
    }

    /// <summary>Workers started from now on exit at once (code 3): a crash loop.</summary>
    public bool Crash
    {
        set { if (value) File.WriteAllText(_crashFile, ""); else File.Delete(_crashFile); }
    }

    public void Dispose() => Open();
}
