using System.Diagnostics;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>Starts a long-running process whose stdout and stderr lines go, as they come, into one <see cref="OutputLog"/>.</summary>
internal static class LoggedProcess
{
    /// <summary>
    /// Starts <paramref name="start"/> (its output redirected, no shell) with every line it writes added to
    /// <paramref name="log"/>. The caller owns the returned process: it stops and disposes it.
    /// </summary>
    public static Process Start(ProcessStartInfo start, OutputLog log)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
