namespace FdHandoff.Tests.Infrastructure;

/// <summary>When one line left and when its answer came back, on the clock of the load that sent it (<see cref="LineCounterLoad.Elapsed"/>).</summary>
public readonly record struct LineTiming(TimeSpan Sent, TimeSpan Answered)
{
    public TimeSpan Latency => Answered - Sent;

    /// <summary>True when the line was in flight at some moment of [from, to]: it crossed that window (an upgrade).</summary>
    public bool Overlaps(TimeSpan from, TimeSpan to) => Sent <= to && Answered >= from;
}
