namespace FdHandoff.Tests.Infrastructure;

/// <summary>The counter service answered something other than the next <c>&lt;n&gt; &lt;line&gt;</c>.</summary>
public sealed class LineCounterMismatchException(string kind, string message) : Exception(message)
{
    /// <summary>What went wrong, one of <see cref="LineCounterCheck"/>'s kinds ("n reset", "n skipped", ...).</summary>
    public string Kind { get; } = kind;
}
