namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// The keys one source gave (the file, FDHANDOFF_* variables, the command line), flattened as
/// Microsoft.Extensions.Configuration does (<c>Workers:Args:0</c>), with where each came from, so an error
/// names the line or the variable to fix.
/// </summary>
internal sealed class ConfigurationLayer(string name)
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _origins = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>"file /etc/fdhandoff.json", "environment", "command line".</summary>
    public string Name { get; } = name;

    public IReadOnlyDictionary<string, string> Values => _values;

    public void Add(string key, string value, string origin)
    {
        _values[key] = value;
        _origins[key] = origin;
    }

    /// <summary>Where <paramref name="key"/> was written: "/etc/fdhandoff.json:7", "FDHANDOFF_WORKERS__COUNT".</summary>
    public string OriginOf(string key) => _origins.TryGetValue(key, out var o) ? o : Name;

    public IEnumerable<KeyValuePair<string, string?>> AsPairs() => _values.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value));
}
