using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// <c>fdhandoff run [options]</c>: the supervisor itself. The bare form (no verb) does the same, so the units,
/// run.sh and scripts written before the verbs keep working (docs/operations.md says why both).
/// </summary>
internal static class RunVerb
{
    public const string Name = "run";

    public static Command Create(VerbContext context)
    {
        var run = new Command(Name, "Run the supervisor in the foreground (the default when no verb is given)");
        SupervisorOptions.AddTo(run);
        // Everything after "run" is the supervisor's: the options above and --Section:Key=value.
        run.SetAction(result => context.Run(result.Tokens.Where(t => t.Value != Name || t.Type != System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value).ToArray()));
        return run;
    }
}
