using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary><c>fdhandoff status [--control-socket PATH] [--json]</c>.</summary>
internal static class StatusVerb
{
    public static Command Create(VerbContext context)
    {
        var socket = new Option<string>("--control-socket") { Description = "The supervisor's control socket (default: as the supervisor resolves it, or $FDHANDOFF_CONTROL_SOCKET)", HelpName = "PATH" };
        var json = new Option<bool>("--json") { Description = "Print the status as JSON, for scripts" };
        var status = new Command("status", "Show the serving generation, the workers, the listeners and the last upgrade") { socket, json };
        status.SetAction(result => AdminCommand.Status(result.GetValue(socket), result.GetValue(json), context.Out, context.Error));
        return status;
    }
}
