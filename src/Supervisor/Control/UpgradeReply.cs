using FdHandoff.Protocol;
using FdHandoff.Supervisor.Upgrades;

namespace FdHandoff.Supervisor.Control;

/// <summary>An upgrade's outcome as <c>fdhandoff upgrade</c> reads it: the one place the domain outcome meets the wire.</summary>
internal static class UpgradeReply
{
    public static UpgradeResult From(UpgradeOutcome outcome) =>
        new(outcome.Ok, outcome.Serving, outcome.Previous, outcome.Reason, outcome.Elapsed.TotalMilliseconds);
}
