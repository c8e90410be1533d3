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

    /// <summary>
    /// The layers as one, a later layer's key winning over an earlier one's (keys ignore case), each key with
    /// where it was written: what the configuration builder did with them, minus the binder.
    /// </summary>
    public static ConfigurationLayer Merge(string name, params ConfigurationLayer?[] layers)
    {
        var merged = new ConfigurationLayer(name);
        foreach (var layer in layers.OfType<ConfigurationLayer>())
            foreach (var (key, value) in layer.Values)
                merged.Add(key, value, layer.OriginOf(key));
        return merged;
    }
}
