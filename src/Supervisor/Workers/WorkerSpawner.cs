using System.ComponentModel;
using System.Diagnostics;
using System.Security.Cryptography;
using FdHandoff.Client;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Workers;

/// <summary>Starts worker processes with the environment that lets them find and prove themselves to us.</summary>
internal sealed class WorkerSpawner
{
    // systemd's variables are for the supervisor (the main process), never for its children.
    private static readonly string[] NotForWorkers =
        ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_PID", "WATCHDOG_USEC"];

    /// <summary>Starts one worker of <paramref name="plan"/>'s generation into <paramref name="slot"/>.</summary>
    public WorkerProcess Spawn(GenerationPlan plan, int slot, int restarts)
    {
        var settings = plan.Settings;
        string token = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        bool systemd = settings.Workers.Protocol == WorkerProtocol.Systemd;
        // Checked again at every spawn: the program may have gone since start; one clear line, nothing spawned.
        string command = systemd ? WorkerCommand.Resolve(settings.Workers.Command) : settings.WorkerCommandPath;
        var start = new ProcessStartInfo(systemd ? LauncherCommand.Path : command)
        {
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(command)!,
        };
        if (systemd) LauncherCommand.AddArguments(start, command);
        foreach (string arg in settings.Workers.Args) start.ArgumentList.Add(arg);
        foreach (string name in NotForWorkers) start.Environment.Remove(name);
        if (systemd) LauncherCommand.AddEnvironment(start, settings);
        foreach (var (name, value) in settings.Workers.Environment) start.Environment[name] = value;
        start.Environment[HandoffEnvironment.Socket] = settings.ControlSocketPath;
        start.Environment[HandoffEnvironment.Token] = token;
        start.Environment[HandoffEnvironment.Generation] = plan.Generation.ToString();
        start.Environment[HandoffEnvironment.Slot] = slot.ToString();
        start.Environment[HandoffEnvironment.OrphanTimeout] = ((long)settings.Workers.OrphanTimeout.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);

        try
        {
            var process = Process.Start(start) ?? throw new SupervisorException($"could not start worker command {start.FileName}");
            return new WorkerProcess(WorkerProcessHandle.Spawned(process), plan, slot, token, restarts, systemd ? new ProgramState(command) : null);
        }
        catch (Win32Exception e)
        {
            throw new SupervisorException($"cannot start worker command {start.FileName}: {e.Message}; set Workers:Command to the worker executable", 1, e);
        }
    }
}
