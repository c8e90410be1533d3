using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>The signal numbers (signal(7)) this daemon sends or lets a configuration name, under .NET names.</summary>
internal static class Signals
{
    /// <summary>SIGHUP.</summary>
    internal const int HangUp = SIGHUP;

    /// <summary>SIGINT.</summary>
    internal const int Interrupt = SIGINT;

    /// <summary>SIGQUIT.</summary>
    internal const int Quit = SIGQUIT;

    /// <summary>SIGKILL: cannot be caught.</summary>
    internal const int Kill = SIGKILL;

    /// <summary>SIGUSR1.</summary>
    internal const int User1 = SIGUSR1;

    /// <summary>SIGUSR2.</summary>
    internal const int User2 = SIGUSR2;

    /// <summary>SIGTERM.</summary>
    internal const int Terminate = SIGTERM;

    /// <summary>SIGSTOP: cannot be caught.</summary>
    internal const int Stop = SIGSTOP;

    /// <summary>SIGWINCH.</summary>
    internal const int WindowChanged = SIGWINCH;
}
