namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// How an upgrade ended, in the supervisor's terms; the control socket turns it into the wire's
/// <see cref="Protocol.UpgradeResult"/> (<c>Control/UpgradeReply</c>), systemd and the metrics read it as is.
/// </summary>
/// <param name="Serving">The generation serving once it ended: the new one, or <paramref name="Previous"/> when it failed.</param>
/// <param name="Attempted">The generation it built (0 when the configuration was refused before one was numbered).</param>
/// <param name="Reason">Why it failed, in one line; empty when it succeeded.</param>
internal sealed record UpgradeOutcome(bool Ok, int Serving, int Previous, int Attempted, string Reason, TimeSpan Elapsed)
{
    public static UpgradeOutcome Succeeded(int generation, int previous, TimeSpan elapsed) => new(true, generation, previous, generation, "", elapsed);

    public static UpgradeOutcome Failed(int attempted, int previous, string reason, TimeSpan elapsed) =>
        new(false, previous, previous, attempted, reason, elapsed);
}
