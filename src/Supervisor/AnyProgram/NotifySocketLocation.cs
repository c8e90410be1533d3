using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>Where the notify socket for workers lives: beside the control socket, in the same private directory.</summary>
internal static class NotifySocketLocation
{
    public static string For(SupervisorSettings settings) =>
        Path.Combine(Path.GetDirectoryName(settings.ControlSocketPath) ?? "/", "notify.sock");
}
