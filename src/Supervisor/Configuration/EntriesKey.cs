using Microsoft.Extensions.Configuration;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// A key that holds entries: a <see cref="ValueKind.List"/> (<c>Workers:Args:0</c>, <c>:1</c> ...) or a
/// <see cref="ValueKind.Map"/> (<c>Listeners:http</c>, <c>Workers:Environment:NAME</c>). Absent, it is empty.
/// </summary>
internal sealed record EntriesKey<T> : SettingKey
{
    private readonly Func<SupervisorSettings, T> _get;
    private readonly Func<SupervisorSettings, T, SupervisorSettings> _set;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>, T> _parse;
    private readonly Func<T, IEnumerable<KeyValuePair<string, string>>> _format;
    private readonly IReadOnlyList<SettingRule<T>> _rules;

    /// <param name="parse">The entries, by name, to the typed value; a bad entry is a <see cref="SupervisorException"/>.</param>
    /// <param name="format">The typed value to entries that <paramref name="parse"/> takes back to the same value.</param>
    public EntriesKey(string path, ValueKind kind, string example, string help, Func<SupervisorSettings, T> get, Func<SupervisorSettings, T, SupervisorSettings> set,
        Func<IReadOnlyList<KeyValuePair<string, string>>, T> parse, Func<T, IEnumerable<KeyValuePair<string, string>>> format, IReadOnlyList<SettingRule<T>> rules)
        : base(path, kind, example, help)
    {
        _get = get;
        _set = set;
        _parse = parse;
        _format = format;
        _rules = rules;
    }

    public override SupervisorSettings Read(ConfigurationLayer values, SupervisorSettings into)
    {
        string prefix = Path + ":";
        // In .NET configuration's order of keys (ignoring case, numbers by value) as the binder read them: a list
        // in index order, a map by name. Not the file's order: the environment and the command line have none.
        var entries = values.Values
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(kv => new KeyValuePair<string, string>(kv.Key[prefix.Length..], kv.Value))
            .OrderBy(kv => kv.Key, ConfigurationKeyComparer.Instance)
            .ToList();
        return _set(into, _parse(entries));
    }

    public override string? Problem(SupervisorSettings settings)
    {
        T value = _get(settings);
        foreach (var rule in _rules)
            if (rule(value, settings) is { } problem) return problem;
        return null;
    }

    public override IEnumerable<KeyValuePair<string, string>> Write(SupervisorSettings settings) =>
        _format(_get(settings)).Select(e => new KeyValuePair<string, string>($"{Path}:{e.Key}", e.Value));
}
