using System.Diagnostics;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>Starts a long-running process whose stdout and stderr lines go, as they come, into one <see cref="OutputLog"/>.</summary>
internal static class LoggedProcess
{
    /// <summary>
    /// How long, after the process exited, its output may take to end. Its children (a supervisor's workers)
    /// inherit the pipes and can keep them open after it is gone: the log is closed then anyway.
    /// </summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Starts <paramref name="start"/> (its output redirected, no shell) with every line it writes added to
    /// <paramref name="log"/>. When the process exits and its output has ended, the log is closed (waits on it
    /// fail at once). The caller owns the returned process: it stops and disposes it.
    /// </summary>
    public static Process Start(ProcessStartInfo start, OutputLog log)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        int open = 2;
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Receive(DataReceivedEventArgs e)
        {
            if (e.Data is not null) log.Add(e.Data);
            else if (Interlocked.Decrement(ref open) == 0) ended.TrySetResult();
        }
        process.OutputDataReceived += (_, e) => Receive(e);
        process.ErrorDataReceived += (_, e) => Receive(e);
        process.Exited += (_, _) => _ = CloseWhenOutputEndsAsync(process, ended.Task, log);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task CloseWhenOutputEndsAsync(Process process, Task outputEnded, OutputLog log)
    {
        string name = Path.GetFileName(process.StartInfo.FileName);
        string how;
        try
        {
            how = $"{name} (pid {process.Id}) exited with code {process.ExitCode}";
        }
        catch (InvalidOperationException)
        {
            how = $"{name} exited"; // disposed meanwhile
        }
        await Task.WhenAny(outputEnded, Task.Delay(OutputGrace));
        log.Close(how);
    }
}
