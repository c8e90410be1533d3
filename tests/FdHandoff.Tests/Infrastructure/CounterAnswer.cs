using System.Globalization;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>One answer of the counter service, <c>&lt;n&gt; &lt;line&gt;</c> without its <c>\n</c>.</summary>
public readonly record struct CounterAnswer(long N, string Line)
{
    /// <summary>Null when the text is not <c>&lt;n&gt; &lt;line&gt;</c> with n a positive integer.</summary>
    public static CounterAnswer? Parse(string text)
    {
        int space = text.IndexOf(' ');
        if (space <= 0) return null;
        if (!long.TryParse(text.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1) return null;
        return new CounterAnswer(n, text[(space + 1)..]);
    }

    public override string ToString() => $"{N} {Line}";
}
