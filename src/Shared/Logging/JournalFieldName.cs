using System.Collections.Concurrent;
using System.Text;

namespace FdHandoff.Logging;

/// <summary>
/// Turns Serilog property names into journal field names. journald keeps a field only when its name
/// is 1-64 characters of <c>A-Z</c>, <c>0-9</c> and <c>_</c>, does not start with a digit, and (sent by
/// a client) does not start with <c>_</c>, which marks the fields journald itself vouches for.
/// </summary>
internal static class JournalFieldName
{
    /// <summary>The longest field name journald accepts.</summary>
    public const int MaxLength = 64;

    // Property names come from message templates, a small fixed set; the bound only guards against
    // a program that makes names up at run time.
    private const int CacheLimit = 1024;
    private static readonly ConcurrentDictionary<string, string?> Cache = new(StringComparer.Ordinal);

    /// <summary>True when journald would keep a client-sent field of this name.</summary>
    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength || name[0] == '_' || char.IsAsciiDigit(name[0])) return false;
        foreach (char c in name)
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c) && c != '_') return false;
        return true;
    }

    /// <summary>
    /// The journal field name for a property: PascalCase and camelCase become UPPER_SNAKE
    /// (<c>WorkerPid</c> → <c>WORKER_PID</c>, <c>HTTPStatus</c> → <c>HTTP_STATUS</c>, <c>Ipv6Address</c> →
    /// <c>IPV6_ADDRESS</c>), names already in UPPER_SNAKE stay as they are, any other character becomes
    /// <c>_</c>, leading underscores are dropped, a leading digit gets an <c>F</c> in front, and the result
    /// is cut at <see cref="MaxLength"/>. Null when nothing usable is left (<c>"__"</c>, <c>"→"</c>).
    /// </summary>
    public static string? FromPropertyName(string propertyName)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        if (Cache.TryGetValue(propertyName, out var cached)) return cached;
        var converted = Convert(propertyName);
        if (Cache.Count < CacheLimit) Cache.TryAdd(propertyName, converted);
        return converted;
    }

    private static string? Convert(string name)
    {
        if (IsValid(name)) return name;

        var result = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsAsciiLetterUpper(c))
            {
                // A word starts at an upper-case letter after a lower-case letter or a digit ("workerPid",
                // "X509Cert"), or at the last capital of an acronym followed by lower case ("HTTPStatus").
                char previous = i > 0 ? name[i - 1] : '\0';
                char next = i + 1 < name.Length ? name[i + 1] : '\0';
                bool wordStart = char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous)
                    || (char.IsAsciiLetterUpper(previous) && char.IsAsciiLetterLower(next));
                if (wordStart) AppendSeparator(result);
                result.Append(c);
            }
            else if (char.IsAsciiLetterLower(c)) result.Append(char.ToUpperInvariant(c));
            else if (char.IsAsciiDigit(c)) result.Append(c);
            else AppendSeparator(result);
        }

        while (result.Length > 0 && result[^1] == '_') result.Length--;
        if (result.Length == 0) return null;
        if (char.IsAsciiDigit(result[0])) result.Insert(0, 'F');
        if (result.Length > MaxLength) result.Length = MaxLength;
        return result.ToString();
    }

    // One underscore between words however many separators stood there, and none at the start:
    // journald rejects client fields beginning with '_'.
    private static void AppendSeparator(StringBuilder result)
    {
        if (result.Length > 0 && result[^1] != '_') result.Append('_');
    }
}
