namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Which configuration file a generation was built from: its path, the start of its SHA-256 and its mtime,
/// as <c>fdhandoff status</c> shows them. Hash "none" when there was no file (defaults and switches only).
/// </summary>
internal sealed record ConfigurationVersion(string File, string Hash, DateTimeOffset? Modified)
{
    public static readonly ConfigurationVersion None = new("", "none", null);

    public override string ToString() => Hash == "none"
        ? "no configuration file"
        : $"{Hash} ({File}, modified {Modified:yyyy-MM-dd HH:mm:ss}Z)";
}
