using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// The options of the supervisor itself (<c>fdhandoff run</c> and the bare form). They are declared here for
/// the parser and the help; <see cref="CommandLine.Normalize"/> maps them onto configuration keys.
/// </summary>
internal static class SupervisorOptions
{
    public static void AddTo(Command command)
    {
        command.Add(new Option<string>("--config") { Description = "Read the configuration from FILE instead of appsettings.json beside the binary", HelpName = "FILE" });
        command.Add(new Option<string[]>("--listen") { Description = "Add a listener (repeatable): --listen http=tcp://127.0.0.1:8080", HelpName = "NAME=URL" });
        command.Add(new Option<int>("--workers") { Description = "Workers per generation (Workers:Count)", HelpName = "N" });
        command.Add(new Option<string>("--worker") { Description = "The worker executable (Workers:Command)", HelpName = "PATH" });
        command.Add(new Option<string>("--control-socket") { Description = "The control socket's path (ControlSocket)", HelpName = "PATH" });
        // Any configuration key may follow as --Section:Key=value; the parser leaves those to us.
        command.TreatUnmatchedTokensAsErrors = false;
    }

    /// <summary>
    /// A token the parser did not recognise is a configuration key (<c>--Workers:Count=4</c>: PascalCase and
    /// '=') or a mistake; returns the first mistake. Configuration keys start upper case, options lower case,
    /// so a mistyped option is never taken for a key.
    /// </summary>
    public static string? FirstMistake(IReadOnlyList<string> unmatched, string? firstArgument, IEnumerable<string> verbs)
    {
        foreach (string token in unmatched)
        {
            if (IsConfigurationKey(token)) continue;
            if (token == firstArgument && !token.StartsWith('-')) return $"unknown verb '{token}' (the verbs: {string.Join(", ", verbs)})";
            return token.StartsWith('-') ? $"unknown option '{token}'" : $"unexpected argument '{token}'";
        }
        return null;
    }

    private static bool IsConfigurationKey(string token)
    {
        int eq = token.IndexOf('=');
        return token.Length > 3 && token.StartsWith("--") && char.IsAsciiLetterUpper(token[2]) && eq > 2
            && token[2..eq].All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '_');
    }
}
