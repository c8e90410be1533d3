namespace FdHandoff.Supervisor;

/// <summary>
/// A failure the supervisor cannot start or go on with: the message is the one line a person reads
/// (what is wrong, what to do). <see cref="ExitCode"/> is 2 for configuration, 1 otherwise.
/// </summary>
internal sealed class SupervisorException(string message, int exitCode = 1, Exception? inner = null) : Exception(message, inner)
{
    public const int ConfigurationError = 2;

    public int ExitCode { get; } = exitCode;
}
