namespace FdHandoff.Supervisor.Cli;

/// <summary>The exit codes of every verb, as <c>fdhandoff --help</c> lists them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The upgrade failed (the old generation still serves); the supervisor could not bind or run.</summary>
    public const int Failed = 1;
    /// <summary>Bad command line or configuration: nothing was started.</summary>
    public const int Usage = 2;
    /// <summary>No supervisor answers on the control socket.</summary>
    public const int Unreachable = 3;
}
