using System.CommandLine;

namespace FdHandoff.Supervisor.Cli;

/// <summary>What the verbs share: where they print, the root (for <c>help VERB</c>), and whether the supervisor is to run.</summary>
internal sealed class VerbContext(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Error { get; } = stderr;
    public RootCommand? Root { get; set; }

    /// <summary>Set by <c>run</c> or the bare form: the arguments the supervisor reads its configuration from.</summary>
    public string[]? SupervisorArgs { get; private set; }

    public void Run(string[] args) => SupervisorArgs = args;
}
