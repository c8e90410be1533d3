using System.Reflection;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// <c>fdhandoff --version</c>: the version and the commit it was built from. The SDK stamps the commit into
/// the informational version ("1.0.0+&lt;sha&gt;") when it builds inside git; a build outside git says "unknown".
/// </summary>
internal static class VersionText
{
    public static string Describe()
    {
        string informational = typeof(VersionText).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int plus = informational.IndexOf('+');
        string version = plus < 0 ? informational : informational[..plus];
        string commit = plus < 0 ? "unknown" : informational[(plus + 1)..];
        return $"fdhandoff {version} (commit {(commit.Length > 12 ? commit[..12] : commit)})";
    }
}
