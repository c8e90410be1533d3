namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// A copy of the supervisor's build output in a directory of the test's own, so a test can install another binary at
/// the supervisor's path as a package would (a new file renamed over the old one) and put the real one back.
/// </summary>
public sealed class SupervisorCopy : IDisposable
{
    private readonly string _dir;

    private SupervisorCopy(string dir) => _dir = dir;

    /// <summary>The copied supervisor executable: what the supervisor started from it finds at its path.</summary>
    public string Executable => Path.Combine(_dir, Path.GetFileName(Binaries.Supervisor));

    public static SupervisorCopy Make()
    {
        string dir = Path.Combine(Path.GetTempPath(), "fdh-bin-" + Guid.NewGuid().ToString("N")[..10]);
        string from = Path.GetDirectoryName(Binaries.Supervisor)!;
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string to = Path.Combine(dir, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
        return new SupervisorCopy(dir);
    }

    /// <summary>Installs a script as the supervisor executable (written beside it, then renamed over it).</summary>
    public void Replace(string script)
    {
        string next = Executable + ".new";
        File.WriteAllText(next, script);
        File.SetUnixFileMode(next, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Move(next, Executable, overwrite: true);
    }

    /// <summary>Installs the build under test again.</summary>
    public void Restore()
    {
        string next = Executable + ".new";
        File.Copy(Binaries.Supervisor, next, overwrite: true);
        File.Move(next, Executable, overwrite: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
