namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// What status and systemd's STATUS= say about past upgrades: how the last one ended (or where the one in progress
/// stands), and what became of the last retired generation's connections. The one owner of both; written by the
/// coordinator, the strategies and <see cref="GenerationRetirement"/>.
/// </summary>
internal sealed class UpgradeHistory
{
    private readonly Lock _lock = new();
    private string _lastUpgrade = "none";
    private RetirementRecord _lastRetirement = RetirementRecord.None;

    /// <summary>How the last upgrade ended, in words, or where the one in progress stands.</summary>
    public string LastUpgrade { get { lock (_lock) return _lastUpgrade; } }

    /// <summary>The last generation that retired and what became of its connections.</summary>
    public RetirementRecord LastRetirement { get { lock (_lock) return _lastRetirement; } }

    public void Record(string lastUpgrade)
    {
        lock (_lock) _lastUpgrade = lastUpgrade;
    }

    public void RecordRetirement(RetirementRecord retirement)
    {
        lock (_lock) _lastRetirement = retirement;
    }

    /// <summary>What this history holds, to be written out and read back.</summary>
    public (string LastUpgrade, RetirementRecord LastRetirement) Snapshot()
    {
        lock (_lock) return (_lastUpgrade, _lastRetirement);
    }

    public void Restore(string lastUpgrade, RetirementRecord lastRetirement)
    {
        lock (_lock) (_lastUpgrade, _lastRetirement) = (lastUpgrade, lastRetirement);
    }
}
