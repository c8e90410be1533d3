using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary><c>fdhandoff reexec [--control-socket PATH] [--timeout SECONDS] [--json]</c>.</summary>
internal static class ReexecVerb
{
    public static Command Create(VerbContext context)
    {
        var socket = new Option<string>("--control-socket") { Description = "The supervisor's control socket (default: as the supervisor resolves it, or $FDHANDOFF_CONTROL_SOCKET)", HelpName = "PATH" };
        var timeout = new Option<double>("--timeout") { Description = "Give up waiting for the answer after SECONDS", HelpName = "SECONDS", DefaultValueFactory = _ => 120 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON, for scripts" };
        var reexec = new Command("reexec", "Execute the supervisor binary now installed at its path in place (same pid), keeping every worker, listener and connection; exit 1 and the reason if the old one serves on (like systemctl daemon-reexec; also SIGUSR2)") { socket, timeout, json };
        reexec.SetAction(result => AdminCommand.Reexec(result.GetValue(socket), TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(json), context.Out, context.Error));
        return reexec;
    }
}
