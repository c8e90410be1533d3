namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// What the command line asked for: either it is done (help, version, a usage error, a client verb) and the
/// process exits with <see cref="ExitCode"/>, or the supervisor runs with <see cref="SupervisorArgs"/>.
/// </summary>
internal readonly record struct VerbOutcome(int? ExitCode, string[] SupervisorArgs)
{
    public static VerbOutcome Exit(int code) => new(code, []);

    public static VerbOutcome RunSupervisor(string[] args) => new(null, args);
}
