using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// <c>fdhandoff check-config [--config FILE] [options]</c>: the supervisor's own options, checked by
/// <see cref="CheckConfigCommand"/> as a start or a reload would, with nothing bound (like <c>nginx -t</c>).
/// </summary>
internal static class CheckConfigVerb
{
    public const string Name = "check-config";

    public static Command Create(VerbContext context)
    {
        var check = new Command(Name, "Check a configuration without a running supervisor (binds nothing): exit 0 with a summary, 2 with the error");
        SupervisorOptions.AddTo(check);
        // The same options as `run`, passed on as written: the check reads them exactly as a start would.
        check.SetAction(result => CheckConfigCommand.Run(
            result.Tokens.Where(t => t.Value != Name || t.Type != System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value).ToArray(),
            context.Out, context.Error));
        return check;
    }
}
