using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>
/// An operator's deploy layout: versions in their own directories (v1/, v2/), <c>current</c> a symlink to one
/// of them, the configuration naming <c>current/worker.sh</c>. Each version's worker.sh records its pid (kept
/// by exec) in its directory's <c>pids</c> file and execs the real worker, so a test sees which version ran.
/// </summary>
internal sealed class SymlinkDeploy : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fdh-deploy-" + Guid.NewGuid().ToString("N")[..10]);

    public SymlinkDeploy()
    {
        foreach (string version in new[] { "v1", "v2" })
        {
            string dir = Path.Combine(_root, version);
            Directory.CreateDirectory(dir);
            string script = Path.Combine(dir, "worker.sh");
            File.WriteAllText(script, $"#!/bin/sh\necho $$ >> \"$(dirname \"$0\")/pids\"\nexec '{Binaries.Worker}' \"$@\"\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        File.CreateSymbolicLink(Path.Combine(_root, "current"), "v1");
    }

    public string Command => Path.Combine(_root, "current", "worker.sh");

    /// <summary>Points <c>current</c> at <paramref name="version"/> atomically (a new link renamed over it).</summary>
    public void SwitchTo(string version)
    {
        string next = Path.Combine(_root, "current.new");
        File.CreateSymbolicLink(next, version);
        // rename(2) over the old link, as `mv -T` does (File.Move would follow the link to a directory).
        using var mv = System.Diagnostics.Process.Start("mv", ["-T", next, Path.Combine(_root, "current")]);
        mv.WaitForExit();
        if (mv.ExitCode != 0) throw new IOException($"mv -T {next} current failed with {mv.ExitCode}");
    }

    public IReadOnlyList<int> Pids(string version)
    {
        string file = Path.Combine(_root, version, "pids");
        return File.Exists(file) ? File.ReadAllLines(file).Where(l => l.Length > 0).Select(int.Parse).ToList() : [];
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
