using System.Diagnostics;
using System.Globalization;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>How the supervisor starts a systemd-protocol worker: its own executable in launch mode (<see cref="Launcher"/>).</summary>
internal static class LauncherCommand
{
    /// <summary>This supervisor's executable: the apphost, or the <c>dotnet</c> host when run as <c>dotnet fdhandoff.dll</c>.</summary>
    public static string Path => Environment.ProcessPath ?? throw new SupervisorException("cannot tell this supervisor's own executable (Environment.ProcessPath) to start the worker launcher");

    public static void AddArguments(ProcessStartInfo start, string program)
    {
        // Assembly.Location is empty in a NativeAOT build (which never runs under the dotnet host anyway):
        // the framework-dependent build's main assembly sits beside its runtimeconfig in the base directory.
        if (System.IO.Path.GetFileNameWithoutExtension(Path) == "dotnet")
            start.ArgumentList.Add(System.IO.Path.Combine(AppContext.BaseDirectory, typeof(LauncherCommand).Assembly.GetName().Name + ".dll"));
        start.ArgumentList.Add(Launcher.Flag);
        start.ArgumentList.Add(program);
    }

    /// <summary>NOTIFY_SOCKET and the watchdog for the program; the launcher adds LISTEN_* and WATCHDOG_PID, which need its pid.</summary>
    public static void AddEnvironment(ProcessStartInfo start, SupervisorSettings settings)
    {
        start.Environment["NOTIFY_SOCKET"] = NotifySocketLocation.For(settings);
        if (settings.Workers.WatchdogSec > 0)
            start.Environment["WATCHDOG_USEC"] = ((long)(settings.Workers.WatchdogSec * 1_000_000)).ToString(CultureInfo.InvariantCulture);
    }
}
