namespace FdHandoff.Tests.Infrastructure;

/// <summary>How <see cref="LineCounterLoad"/> drives each connection.</summary>
public sealed record LineCounterLoadOptions
{
    /// <summary>Lines in flight per connection. <remarks>Defaults to 1: each answer is then the answer to the one line sent, so a duplicate or a lost line is unambiguous; answers must come back in order either way.</remarks></summary>
    public int Window { get; init; } = 1;

    /// <summary>Pause after each line. <remarks>Defaults to zero: lines back to back.</remarks></summary>
    public TimeSpan Interval { get; init; } = TimeSpan.Zero;

    /// <summary>Share of lines sent in two pieces, cut at a random byte, so that partial lines cross a hand-over. <remarks>Defaults to 0.2.</remarks></summary>
    public double SplitProbability { get; init; } = 0.2;

    /// <summary>Pause between the two pieces of a split line. <remarks>Defaults to 2 ms.</remarks></summary>
    public TimeSpan SplitPause { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How long an outstanding line may wait for its answer before the connection counts as stalled. <remarks>Defaults to 10 s.</remarks></summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open a new connection in place of a broken one (the break is counted either way). <remarks>Defaults to true.</remarks></summary>
    public bool Reconnect { get; init; } = true;

    /// <summary>Seed of the padding and split positions, to replay a run. <remarks>Defaults to a random seed.</remarks></summary>
    public int? Seed { get; init; }
}
