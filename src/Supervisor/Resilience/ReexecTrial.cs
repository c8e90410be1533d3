using System.Diagnostics;
using System.ComponentModel;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// Before a re-exec replaces this image, the executable at the supervisor's path is tried in a child of its own: it
/// reads the hand-off from its standard input and checks it can take over from it (state format, the settings it
/// started with and each generation's plan, read and checked as at any start) and answers "ok VERSION". A binary
/// that exits or crashes at start, or refuses the state, fails here, while this image still serves, with one line.
/// (What can still fail after the trial, in the new image itself, falls back to this executable: <see cref="RestoredImage.FallBack"/>.)
/// </summary>
internal static class ReexecTrial
{
    /// <summary>The hidden argument that runs the check instead of the supervisor.</summary>
    public const string Flag = "--fdhandoff-reexec-check";

    public static bool IsTrial(string[] args) => args.Length > 0 && args[0] == Flag;

    /// <summary>The new image's version when it can take over; otherwise why not, in one line.</summary>
    public static async Task<(bool Ok, string Detail)> RunAsync(string executable, byte[] handOff, TimeSpan timeout)
    {
        var argv = ImageStart.Argv(executable, [Flag]);
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in argv.Skip(1)) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            return (false, $"cannot start {executable}: {e.Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.StandardInput.BaseStream.WriteAsync(handOff).ConfigureAwait(false);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It exited without reading: its exit says why.
            }
            try
            {
                await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                process.Kill();
                return (false, $"{executable} did not answer within {timeout.TotalSeconds:0} s");
            }
            string output = (await stdout.ConfigureAwait(false)).Trim();
            string error = LastLine(await stderr.ConfigureAwait(false));
            if (process.ExitCode == 0 && output.StartsWith("ok ", StringComparison.Ordinal)) return (true, output[3..]);
            string how = process.ExitCode > 128 ? $"was killed by signal {process.ExitCode - 128}" : $"exited with code {process.ExitCode}";
            return (false, $"{executable} {how} when asked to take over{(error.Length > 0 ? $": {error}" : output.Length > 0 ? $": {LastLine(output)}" : "")}");
        }
    }

    /// <summary>In the new executable: reads the hand-off from standard input and checks it; 0 and "ok VERSION", or 1 and one line.</summary>
    public static int Check()
    {
        try
        {
            using var input = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            input.CopyTo(buffer);
            var handOff = RestoredImage.Read(buffer.ToArray());
            SupervisorSettings.FromPairs(handOff.StartSettings, "the settings the supervisor started with");
            foreach (var plan in handOff.State.Plans)
                SupervisorSettings.FromPairs(plan.Settings, $"the plan of generation {plan.Generation}");
            Console.Out.WriteLine($"ok {Cli.VersionText.Describe()}");
            return 0;
        }
        catch (SupervisorException e)
        {
            Console.Error.WriteLine($"fdhandoff: {e.Message}");
            return 1;
        }
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
