namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// The values of <c>Workers:Strategy</c>: how an upgrade replaces the serving generation's workers.
/// </summary>
internal static class UpgradeStrategy
{
    /// <summary>Every worker of the new generation starts and gets ready beside the old ones, then all the old ones drain.</summary>
    public const string AllAtOnce = "all-at-once";

    /// <summary>
    /// One slot at a time: the slot's new worker gets ready, its old one drains and exits, then the next slot.
    /// At most Count+1 workers run at any moment, for hosts that cannot hold two generations in memory.
    /// </summary>
    public const string Rolling = "rolling";

    /// <summary>The spelling this supervisor uses for <paramref name="value"/>, or null when it is neither.</summary>
    public static string? Normalize(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or AllAtOnce => AllAtOnce,
        Rolling => Rolling,
        _ => null,
    };
}
