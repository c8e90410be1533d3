namespace FdHandoff.Supervisor.Workers;

/// <summary>What a worker's Ready said: whether it takes established connections handed over, and which listeners it serves.</summary>
/// <param name="Serving">The listeners its Ready named; null when it did not say (a systemd-protocol worker never does).</param>
internal sealed record ReadyReport(bool TakesConnections, IReadOnlyList<string>? Serving)
{
    /// <summary>A systemd-protocol worker's READY=1, or Workers:Ready = started: no connections taken, nothing said.</summary>
    public static readonly ReadyReport Program = new(false, null);
}
