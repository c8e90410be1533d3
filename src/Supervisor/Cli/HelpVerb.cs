using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary><c>fdhandoff help [VERB]</c>: the same text as <c>fdhandoff [VERB] --help</c>.</summary>
internal static class HelpVerb
{
    public static Command Create(VerbContext context)
    {
        var verb = new Argument<string?>("VERB") { Description = "The verb to explain", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Explain fdhandoff, or one verb") { verb };
        help.SetAction(result =>
        {
            string? name = result.GetValue(verb);
            if (name is not null && !context.Root!.Subcommands.Any(c => c.Name == name))
            {
                context.Error.WriteLine($"fdhandoff help: unknown verb '{name}'");
                context.Error.WriteLine("usage: fdhandoff help [VERB]; the verbs: " + string.Join(", ", context.Root.Subcommands.Select(c => c.Name)));
                return ExitCodes.Usage;
            }
            return context.Root!.Parse(name is null ? ["--help"] : [name, "--help"]).Invoke(new InvocationConfiguration { Output = context.Out, Error = context.Error });
        });
        return help;
    }
}
