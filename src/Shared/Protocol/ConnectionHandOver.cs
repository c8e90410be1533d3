namespace FdHandoff.Protocol;

/// <summary>The bounds of established-connection hand-over, checked on both sides (docs/protocol.md).</summary>
internal static class ConnectionHandOver
{
    /// <summary>Largest state one connection carries. Above it the hand-over is refused with a clear error, never truncated.</summary>
    public const int MaxStateBytes = 16 * 1024;

    /// <summary>Connections on one message: one, so a refusal or a failure concerns exactly one connection.</summary>
    public const int ConnectionsPerMessage = 1;

    /// <summary>
    /// Connections one worker may have in transit (handed over, not yet answered). The worker library waits
    /// for a place; the supervisor refuses a worker that goes over. Bounds the supervisor's descriptors.
    /// </summary>
    public const int MaxInTransitPerWorker = 64;
}
