namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// What a <see cref="LineCounterLoad"/> saw. <see cref="Disconnects"/> counts connections broken by
/// EOF, a reset or another socket error; <see cref="Stalls"/> connections whose line got no answer in
/// time; <see cref="ProtocolErrors"/> answers that were not <c>&lt;previous n + 1&gt; &lt;that line&gt;</c>;
/// <see cref="Unanswered"/> lines sent that never got an answer (still outstanding at the end).
/// </summary>
public sealed record LineCounterResult(
    long ConnectionsOpened,
    long ConnectionsOpenAtStop,
    long ConnectFailures,
    long LinesSent,
    long LinesSplit,
    long LinesAnswered,
    long Disconnects,
    long Stalls,
    long ProtocolErrors,
    long Unanswered,
    IReadOnlyDictionary<string, long> Failures,
    IReadOnlyList<string> FirstErrors,
    IReadOnlyList<LineTiming> Timings)
{
    /// <summary>Every connection lived to the end, every line got exactly its one answer, n never reset or skipped.</summary>
    public bool Clean => ConnectFailures == 0 && Disconnects == 0 && Stalls == 0 && ProtocolErrors == 0 && Unanswered == 0
                         && LinesAnswered == LinesSent && ConnectionsOpenAtStop == ConnectionsOpened;

    /// <summary>The p-th percentile (0..100) of line latency, over the lines <paramref name="which"/> picks (all by default).</summary>
    public TimeSpan LatencyPercentile(double p, Func<LineTiming, bool>? which = null)
    {
        var lat = Timings.Where(which ?? (_ => true)).Select(t => t.Latency).Order().ToArray();
        if (lat.Length == 0) return TimeSpan.Zero;
        return lat[Math.Clamp((int)Math.Ceiling(p / 100 * lat.Length) - 1, 0, lat.Length - 1)];
    }

    public override string ToString() =>
        $"connections opened={ConnectionsOpened} open at stop={ConnectionsOpenAtStop} connect failures={ConnectFailures}; " +
        $"lines sent={LinesSent} (split {LinesSplit}) answered={LinesAnswered} unanswered={Unanswered}; " +
        $"disconnects={Disconnects} stalls={Stalls} protocol errors={ProtocolErrors} " +
        $"[{string.Join(", ", Failures.Select(f => $"{f.Key}={f.Value}"))}]" +
        (FirstErrors.Count > 0 ? $"; first: {string.Join(" | ", FirstErrors)}" : "");
}
