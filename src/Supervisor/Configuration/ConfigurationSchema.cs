using System.Globalization;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Checks every key of a <see cref="ConfigurationLayer"/> against the defined keys (<see cref="SupervisorSettings.Keys"/>;
/// a section is any path a key's path goes through): an unknown key, a section written as a value or a value
/// of the wrong kind is one line naming the key, where it was written and what to write instead.
/// </summary>
internal static class ConfigurationSchema
{
    public static void Check(ConfigurationLayer layer)
    {
        // Sorted so the first error reported does not depend on dictionary order.
        foreach (var (key, value) in layer.Values.OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            string? problem = Problem(key, value);
            if (problem is not null)
                throw new SupervisorException($"{layer.OriginOf(key)}: {problem}", SupervisorException.ConfigurationError);
        }
    }

    private static string? Problem(string key, string value)
    {
        string[] parts = key.Split(':');
        for (int i = 0; i < parts.Length; i++)
        {
            string path = string.Join(':', parts[..(i + 1)]);
            string parent = string.Join(':', parts[..i]);
            var level = Level(parent);
            var known = level.FirstOrDefault(k => string.Equals(k.Name, parts[i], StringComparison.OrdinalIgnoreCase));
            if (known.Name is null) return Unknown(path, parts[i], level.Select(k => k.Name).ToList(), parent);
            bool last = i == parts.Length - 1;
            if (known.Key is not { } definition)
            {
                if (last) return value.Length == 0 ? null : $"{path} is a section, not a value: write \"{known.Name}\": {{ ... }}";
                continue;
            }
            switch (definition.Kind)
            {
                case ValueKind.Map:
                    if (last) return value.Length == 0 ? null : $"{path} is a section of named entries, not a value: write \"{definition.Name}\": {{ \"name\": \"{definition.Example}\" }}";
                    if (i + 2 != parts.Length) return $"{path}:{parts[i + 1]} is a value, not a section: write \"{parts[i + 1]}\": \"{definition.Example}\"";
                    return null;
                case ValueKind.List:
                    if (last) return value.Length == 0 ? null : $"{path} is a list, not a value: write \"{definition.Name}\": [\"{value}\"]";
                    if (i + 2 != parts.Length || !int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        return $"{path} is a list of values: write \"{definition.Name}\": [{definition.Example}]";
                    return null;
                default:
                    if (!last) return $"{path} is a value, not a section: write \"{definition.Name}\": {definition.Example}";
                    return BadValue(path, definition.Kind, definition.Example, value);
            }
        }
        return null;
    }

    /// <summary>
    /// The names one level below <paramref name="parent"/> ("" for the top), in the order the keys are defined:
    /// each a key, or a section (Key null) when only longer paths go through it.
    /// </summary>
    private static List<(string Name, SettingKey? Key)> Level(string parent)
    {
        string prefix = parent.Length == 0 ? "" : parent + ":";
        var level = new List<(string Name, SettingKey? Key)>();
        foreach (var key in SupervisorSettings.Keys.Where(k => k.Path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
        {
            string rest = key.Path[prefix.Length..];
            int colon = rest.IndexOf(':');
            string name = colon < 0 ? rest : rest[..colon];
            if (level.Any(l => l.Name == name)) continue;
            level.Add((name, colon < 0 ? key : null));
        }
        return level;
    }

    /// <summary>What is wrong with <paramref name="value"/> as a value of <paramref name="kind"/>, in one line; null when it fits.</summary>
    public static string? BadValue(string path, ValueKind kind, string example, string value)
    {
        switch (kind)
        {
            case ValueKind.WholeNumber:
                return SettingValue.TryWhole(value, out _) ? null : $"{path} is '{value}', not a whole number: write e.g. {example}";
            case ValueKind.Number:
                return SettingValue.TryNumber(value, out _) ? null : $"{path} is '{value}', not a number: write e.g. {example}";
            case ValueKind.Duration:
                if (SettingValue.TryNumber(value, out double bare))
                    return $"{path} is {value}, which would be read as {bare} days: write a duration as \"hh:mm:ss\", e.g. \"{Seconds(bare)}\"";
                return SettingValue.TryDuration(value, out _) ? null : $"{path} is '{value}', not a duration: write \"hh:mm:ss\", e.g. \"{example}\"";
            case ValueKind.Flag:
                return SettingValue.TryFlag(value, out _) ? null : $"{path} is '{value}': write true or false";
            default:
                return null;
        }
    }

    // What the person most likely meant by a bare number: seconds.
    private static string Seconds(double n) =>
        n is >= 0 and < 360_000 ? TimeSpan.FromSeconds(n).ToString("c", CultureInfo.InvariantCulture) : "00:00:30";

    private static string Unknown(string path, string segment, IReadOnlyList<string> level, string parent)
    {
        var best = level
            .Select(name => (Name: name, Distance: Distance(segment.ToLowerInvariant(), name.ToLowerInvariant())))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        string prefix = parent.Length == 0 ? "" : parent + ":";
        if (best.Name is not null && best.Distance <= Math.Max(2, segment.Length / 3))
            return $"unknown key '{path}': did you mean '{prefix}{best.Name}'?";
        return $"unknown key '{path}': the keys{(parent.Length == 0 ? "" : $" of {parent}")} are {string.Join(", ", level)}";
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
