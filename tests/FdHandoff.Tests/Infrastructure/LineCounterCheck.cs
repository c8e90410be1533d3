namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Judges one answer of the counter service against what a connection expects: the answer to the
/// oldest line still unanswered, numbered one more than the last answer. Shared by
/// <see cref="LineCounterConnection"/> and <see cref="LineCounterLoad"/> so both name a fault alike.
/// </summary>
public static class LineCounterCheck
{
    public const string Malformed = "malformed answer";
    public const string Reset = "n reset";
    public const string WentBack = "n went back";
    public const string Skipped = "n skipped";
    public const string Duplicate = "duplicate answer";
    public const string WrongLine = "wrong line";
    public const string Unsolicited = "answer to no line";

    /// <summary>
    /// Null when <paramref name="answer"/> is <c>(lastN + 1) expected</c>, else the kind of fault.
    /// <paramref name="answeredBefore"/> says whether a line was already answered on this connection
    /// (to tell a duplicate from a wrong line); <paramref name="expected"/> is null when no line is
    /// outstanding.
    /// </summary>
    public static string? Judge(string answer, long lastN, string? expected, Func<string, bool> answeredBefore)
    {
        if (CounterAnswer.Parse(answer) is not { } a) return Malformed;
        if (expected is null) return answeredBefore(a.Line) ? Duplicate : Unsolicited;
        if (a.Line != expected) return answeredBefore(a.Line) ? Duplicate : WrongLine;
        if (a.N == lastN + 1) return null;
        if (a.N == 1) return Reset;
        return a.N <= lastN ? WentBack : Skipped;
    }
}
