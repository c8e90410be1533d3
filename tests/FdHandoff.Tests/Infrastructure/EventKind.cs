using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// One kind of log event, as a <c>[LoggerMessage]</c> method of the source defines it: its id, its name (the
/// method's, unless the attribute names it) and its template. Read from the method itself, so a test that
/// waits on <see cref="LogEvents.WorkerReady"/> waits on whatever id the source gives it today.
/// </summary>
public sealed partial class EventKind
{
    private readonly Lazy<Regex> _pattern;

    public EventKind(int id, string name, string template)
    {
        Id = id;
        Name = name;
        Template = template;
        _pattern = new(MessagePattern);
    }

    public int Id { get; }
    public string Name { get; }
    public string Template { get; }

    /// <summary>The event of method <paramref name="method"/> of the log class <paramref name="log"/> (e.g. SupervisorLog).</summary>
    public static EventKind Of(Type log, string method)
    {
        var found = log.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new ArgumentException($"{log.Name} has no method {method}", nameof(method));
        var attribute = found.GetCustomAttribute<LoggerMessageAttribute>()
            ?? throw new ArgumentException($"{log.Name}.{method} has no [LoggerMessage]", nameof(method));
        return new EventKind(attribute.EventId, attribute.EventName ?? method, attribute.Message);
    }

    /// <summary>Every <c>[LoggerMessage]</c> event of <paramref name="log"/>.</summary>
    public static IEnumerable<EventKind> AllOf(Type log) =>
        log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .Select(m => Of(log, m.Name));

    /// <summary>The property names of the template, in order: <c>{WorkerPid}</c> → WorkerPid.</summary>
    public IReadOnlyList<string> Properties => Placeholder().Matches(Template).Select(m => m.Groups["name"].Value).ToList();

    /// <summary>
    /// The properties of a rendered message of this event (a console line's), as text: the template's
    /// literal parts must match exactly, each placeholder takes what stands between them. Null when the
    /// message is not one of this event's.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Parse(string message)
    {
        var match = _pattern.Value.Match(message);
        if (!match.Success) return null;
        return Properties.Distinct().ToDictionary(p => p, p => match.Groups[p].Value);
    }

    private Regex MessagePattern()
    {
        var parts = new List<string>();
        var seen = new HashSet<string>();
        int at = 0;
        foreach (Match m in Placeholder().Matches(Template))
        {
            parts.Add(Regex.Escape(Template[at..m.Index]));
            string name = m.Groups["name"].Value;
            parts.Add(seen.Add(name) ? $"(?<{name}>.*?)" : $@"\k<{name}>");
            at = m.Index + m.Length;
        }
        parts.Add(Regex.Escape(Template[at..]));
        return new Regex("^" + string.Concat(parts) + "$", RegexOptions.Singleline);
    }

    public override string ToString() => $"#{Id} {Name}";

    public override bool Equals(object? obj) => obj is EventKind other && other.Id == Id && other.Name == Name;

    public override int GetHashCode() => HashCode.Combine(Id, Name);

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}")]
    private static partial Regex Placeholder();
}
