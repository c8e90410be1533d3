namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// How long to wait before restarting a slot's crashed worker: <c>first</c>, doubling with every crash in
/// a row, at most <c>max</c>. A worker that ran for <see cref="StableUptime"/> starts its slot afresh.
/// Not thread-safe: <see cref="CrashRestarts"/> calls it under its lock.
/// </summary>
internal sealed class RestartBackoff(TimeSpan first, TimeSpan max)
{
    /// <summary>A worker that ran this long before crashing starts its slot's backoff afresh.</summary>
    public static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private readonly Dictionary<int, int> _crashesInARow = [];

    /// <summary>Counts a crash of <paramref name="slot"/>'s worker; returns the crashes in a row and the delay.</summary>
    public (int Crashes, TimeSpan Delay) Next(int slot, TimeSpan uptime)
    {
        if (uptime >= StableUptime) _crashesInARow[slot] = 0;
        int crashes = _crashesInARow[slot] = _crashesInARow.GetValueOrDefault(slot) + 1;
        var delay = TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks * (1L << Math.Min(crashes - 1, 30))));
        return (crashes, delay);
    }

    /// <summary>A new generation serves: its slots have not crashed yet.</summary>
    public void Reset() => _crashesInARow.Clear();

    public void Restore(IReadOnlyDictionary<int, int> crashesInARow)
    {
        foreach (var (slot, crashes) in crashesInARow) _crashesInARow[slot] = crashes;
    }

    /// <summary>Crashes in a row per slot (slots with none left out).</summary>
    public IReadOnlyDictionary<int, int> Snapshot() => _crashesInARow.Where(kv => kv.Value > 0).ToDictionary();
}
