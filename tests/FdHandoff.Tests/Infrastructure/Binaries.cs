namespace FdHandoff.Tests.Infrastructure;

/// <summary>The built supervisor and worker executables (apphosts), in their own project outputs.</summary>
public static class Binaries
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FdHandoff.sln"))) return dir.FullName;
        throw new InvalidOperationException("FdHandoff.sln not found above " + AppContext.BaseDirectory);
    });

    // The tests run from tests/FdHandoff.Tests/bin/<Configuration>/<tfm>/: the apps were built alike.
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
    private static string Tfm => new DirectoryInfo(AppContext.BaseDirectory).Name;

    /// <summary>The repository's root directory (where FdHandoff.sln is).</summary>
    public static string Repository => Root.Value;

    public static string Supervisor => Find("src/Supervisor", "fdhandoff");
    public static string Worker => Find("src/Worker", "fdhandoff-worker");

    /// <summary>The worker that plays the fault named in <c>FDHANDOFF_WORKER_FAULT_FILE</c> (tests/FaultWorker).</summary>
    public static string FaultWorker => Find("tests/FaultWorker", "fdhandoff-worker-faults");

    private static string Find(string project, string name)
    {
        string path = Path.Combine(Root.Value, project, "bin", Configuration, Tfm, name);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is not built: run dotnet build FdHandoff.sln first", path);
        return path;
    }
}
