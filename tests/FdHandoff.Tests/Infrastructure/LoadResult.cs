namespace FdHandoff.Tests.Infrastructure;

/// <summary>What a client load saw: successes, failures by kind, and which worker pids answered.</summary>
public sealed record LoadResult(long Ok, IReadOnlyDictionary<string, long> Failures, IReadOnlySet<string> Responders)
{
    public long Failed => Failures.Values.Sum();

    public override string ToString() =>
        $"ok={Ok} failed={Failed} [{string.Join(", ", Failures.Select(f => $"{f.Key}={f.Value}"))}] responders={Responders.Count}";
}
