using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary><c>fdhandoff upgrade [--control-socket PATH] [--timeout SECONDS] [--json]</c>.</summary>
internal static class UpgradeVerb
{
    public static Command Create(VerbContext context)
    {
        var socket = new Option<string>("--control-socket") { Description = "The supervisor's control socket (default: as the supervisor resolves it, or $FDHANDOFF_CONTROL_SOCKET)", HelpName = "PATH" };
        var timeout = new Option<double>("--timeout") { Description = "Give up waiting for the answer after SECONDS", HelpName = "SECONDS", DefaultValueFactory = _ => 120 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON, for scripts" };
        var upgrade = new Command("upgrade", "Replace the workers with a new generation, without downtime; exit 1 and the reason if it was rolled back") { socket, timeout, json };
        upgrade.SetAction(result => AdminCommand.Upgrade(result.GetValue(socket), TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(json), context.Out, context.Error));
        return upgrade;
    }
}
