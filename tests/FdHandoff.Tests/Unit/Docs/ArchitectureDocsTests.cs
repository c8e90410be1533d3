using System.Text.RegularExpressions;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit.Docs;

/// <summary>
/// docs/architecture.md maps each step to files: a file renamed or moved without the map following makes it lie to
/// the next reader. Every path it names must exist: from the repository's root (<c>`src/Supervisor/Program.cs`</c>), or
/// as the end of a path in it (<c>`Control/ListenerHandoff.cs`</c>, <c>`Roll.cs`</c>: read in the directory of the path
/// before it).
/// </summary>
public sealed partial class ArchitectureDocsTests
{
    [GeneratedRegex(@"`([A-Za-z0-9_./-]+\.(?:cs|md|sh|py|json|csproj))`")]
    private static partial Regex CodeSpan();

    [Fact]
    public void Every_file_architecture_md_names_exists()
    {
        string root = Binaries.Repository;
        string text = File.ReadAllText(Path.Combine(root, "docs", "architecture.md"));
        var everyFile = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("/.git/"))
            .ToList();
        var missing = new List<string>();
        int named = 0;
        foreach (Match m in CodeSpan().Matches(text))
        {
            string name = m.Groups[1].Value;
            named++;
            bool exists = File.Exists(Path.Combine(root, name)) || everyFile.Any(f => f.EndsWith("/" + name, StringComparison.Ordinal));
            if (!exists) missing.Add(name);
        }

        Assert.True(named > 100, $"only {named} file names found in docs/architecture.md: has its form changed?");
        Assert.True(missing.Count == 0, "docs/architecture.md names files that do not exist: " + string.Join(", ", missing.Distinct()));
    }
}
