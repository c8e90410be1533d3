using System.Diagnostics;

namespace FdHandoff.Tests.Interop;

/// <summary>Compiles and runs a small C program against the system headers, returning what it prints.</summary>
internal static class CCompiler
{
    /// <summary>gcc's full path, or null when it is not installed.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => System.IO.Path.Combine(dir, "gcc"))
        .FirstOrDefault(File.Exists);

    public static string CompileAndRun(string source)
    {
        var directory = Directory.CreateTempSubdirectory("fdhandoff-c-").FullName;
        try
        {
            string sourceFile = System.IO.Path.Combine(directory, "probe.c");
            string binary = System.IO.Path.Combine(directory, "probe");
            File.WriteAllText(sourceFile, source);
            var (compiled, compileOutput) = Run(Path!, "-std=gnu11", "-Wall", "-o", binary, sourceFile);
            Assert.True(compiled == 0, "gcc failed:\n" + compileOutput + "\n--- source ---\n" + source);
            var (ran, output) = Run(binary);
            Assert.True(ran == 0, "the probe failed:\n" + output);
            return output;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
