namespace FdHandoff.Listeners;

/// <summary>A descriptor passed in (by systemd) is not the listening socket its listener describes.</summary>
internal sealed class PassedSocketMismatchException(int fd, string reason)
    : Exception($"fd {fd} {reason}")
{
    /// <summary>What is wrong, as the rest of a sentence about the descriptor ("is not listening (ListenStream= expected)").</summary>
    public string Reason { get; } = reason;
}
