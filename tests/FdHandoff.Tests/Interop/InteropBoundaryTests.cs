using System.Text.RegularExpressions;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Interop;

/// <summary>
/// Pins the rule docs/architecture.md states: C names live in src/Shared/Interop and nowhere else. Every libc call,
/// C struct and C constant is a member of <c>Libc</c>, so code outside that folder that never names <c>Libc</c>
/// cannot reach one; and errno is read only there, right after its call.
/// </summary>
public sealed partial class InteropBoundaryTests
{
    private static readonly string InteropFolder = Path.Combine("src", "Shared", "Interop") + Path.DirectorySeparatorChar;

    [Fact]
    public void C_names_native_calls_and_errno_are_used_only_inside_the_interop_layer()
    {
        var offences = new List<string>();
        foreach (string file in SourceFiles())
        {
            string relative = Path.GetRelativePath(Binaries.Repository, file);
            if (relative.StartsWith(InteropFolder, StringComparison.Ordinal)) continue;
            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                // Comments may name a C call or constant: they explain, they do not call.
                string code = lines[i].Split("//")[0];
                if (Forbidden().Match(code) is { Success: true } m) offences.Add($"{relative}:{i + 1}: {m.Value}");
            }
        }
        Assert.True(offences.Count == 0, "C names outside src/Shared/Interop:\n" + string.Join("\n", offences));
    }

    private static IEnumerable<string> SourceFiles()
    {
        string src = Path.Combine(Binaries.Repository, "src");
        string separator = Path.DirectorySeparatorChar.ToString();
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(separator + "obj" + separator) && !f.Contains(separator + "bin" + separator));
    }

    [GeneratedRegex(@"\bLibc\b|\bLibraryImport\b|\bDllImport\b|\bGetLastPInvokeError\b|\bGetLastWin32Error\b")]
    private static partial Regex Forbidden();
}
