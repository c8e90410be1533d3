using System.CommandLine;
using FdHandoff.Supervisor.Resilience;

namespace FdHandoff.Supervisor.Cli;

/// <summary><c>fdhandoff stop-orphans [--control-socket PATH] [--timeout SECONDS]</c>: what the unit's ExecStopPost= runs.</summary>
internal static class StopOrphansVerb
{
    public static Command Create(VerbContext context)
    {
        var socket = new Option<string>("--control-socket") { Description = "The control socket of the supervisor that is gone (default: as the supervisor resolves it, or $FDHANDOFF_CONTROL_SOCKET)", HelpName = "PATH" };
        var timeout = new Option<double>("--timeout") { Description = "SIGKILL what is left SECONDS after the SIGTERM", HelpName = "SECONDS", DefaultValueFactory = _ => 10 };
        var command = new Command("stop-orphans",
            "Stop the workers a supervisor left running when it was killed (SIGTERM, then SIGKILL after --timeout), unless it died and is about to be restarted "
            + "($SERVICE_RESULT from systemd says a crash): then they wait for the next one to adopt them. For ExecStopPost= under KillMode=process; nothing to do after a clean stop") { socket, timeout };
        command.SetAction(result => OrphanStop.Run(result.GetValue(socket), TimeSpan.FromSeconds(result.GetValue(timeout)), Environment.GetEnvironmentVariable("SERVICE_RESULT"), context.Out, context.Error));
        return command;
    }
}
