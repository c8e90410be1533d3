using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// The command line: one entry per verb in <see cref="Table"/>. Parsing comes first and never binds a port
/// or creates a control socket: help, the version, a usage error and the client verbs end here; only
/// <c>run</c> and the bare form (what the units, run.sh and the tests start) go on to the supervisor.
/// </summary>
internal static class Verbs
{
    /// <summary>The verbs, in the order the help lists them. A new verb is one line here.</summary>
    private static readonly Func<VerbContext, Command>[] Table =
    [
        RunVerb.Create,
        UpgradeVerb.Create,
        ReexecVerb.Create,
        StopOrphansVerb.Create,
        StatusVerb.Create,
        CheckConfigVerb.Create,
        HelpVerb.Create,
    ];

    public static VerbOutcome Dispatch(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var context = new VerbContext(stdout, stderr);
        var root = new RootCommand("fdhandoff: owns the listening sockets, hands them to worker processes and replaces the workers without dropping a connection.\n"
            + "Without a verb, runs the supervisor (the same as 'fdhandoff run').");
        SupervisorOptions.AddTo(root);
        root.SetAction(result => context.Run(result.Tokens.Select(t => t.Value).ToArray()));
        foreach (var verb in Table) root.Add(verb(context));
        foreach (var help in root.Options.OfType<HelpOption>()) help.Action = new ExtendedHelp((HelpAction)help.Action!);
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new PrintVersion();
        context.Root = root;

        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var invocation = new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false };
        string verbName = parsed.CommandResult.Command == root ? "" : " " + parsed.CommandResult.Command.Name;
        // Help, the version and a directive ([suggest] for shell completion) answer whatever else is on the line.
        var directives = parsed.Tokens.Where(t => t.Type == TokenType.Directive).Select(t => t.Value).ToList();
        bool answersAnyway = parsed.Action is HelpAction or ExtendedHelp or PrintVersion || directives.Count > 0 && directives.All(d => d.StartsWith("[suggest", StringComparison.Ordinal));
        string? mistake = answersAnyway ? null
            : directives.FirstOrDefault(d => !d.StartsWith("[suggest", StringComparison.Ordinal)) is { } unknown ? $"unknown directive '{unknown}'"
            : parsed.Errors.Count > 0 ? parsed.Errors[0].Message
            : SupervisorOptions.FirstMistake(parsed.UnmatchedTokens, parsed.CommandResult.Command == root ? args.FirstOrDefault() : null, root.Subcommands.Select(c => c.Name));
        if (mistake is not null)
        {
            stderr.WriteLine($"fdhandoff{verbName}: {mistake}");
            stderr.WriteLine($"usage: fdhandoff{(verbName.Length > 0 ? verbName + " [options]" : " [VERB] [options]")}; 'fdhandoff help{verbName}' says more");
            return VerbOutcome.Exit(ExitCodes.Usage);
        }
        int code = parsed.Invoke(invocation);
        return context.SupervisorArgs is { } run ? VerbOutcome.RunSupervisor(run) : VerbOutcome.Exit(code);
    }

    /// <summary>The parser's help, then where the configuration comes from, its keys and the exit codes.</summary>
    private sealed class ExtendedHelp(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            inner.Invoke(parseResult);
            var output = parseResult.InvocationConfiguration.Output;
            var command = parseResult.CommandResult.Command;
            if (command is RootCommand || command.Name == RunVerb.Name) { output.WriteLine(HelpText.Configuration); output.WriteLine(); }
            output.WriteLine(HelpText.ExitCodes);
            return ExitCodes.Ok;
        }
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(VersionText.Describe());
            return ExitCodes.Ok;
        }
    }
}
