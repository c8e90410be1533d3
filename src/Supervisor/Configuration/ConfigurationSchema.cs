using System.Globalization;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Checks every key of a <see cref="ConfigurationLayer"/> against the known keys (<see cref="SupervisorSettings.Keys"/>):
/// an unknown key, a section written as a value or a value of the wrong type is one line naming the key, where
/// it was written and what to write instead.
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
        IReadOnlyList<ConfigurationKey> level = SupervisorSettings.Keys;
        for (int i = 0; i < parts.Length; i++)
        {
            string path = string.Join(':', parts[..(i + 1)]);
            var known = level.FirstOrDefault(k => string.Equals(k.Name, parts[i], StringComparison.OrdinalIgnoreCase));
            if (known is null) return Unknown(path, parts[i], level, string.Join(':', parts[..i]));
            bool last = i == parts.Length - 1;
            switch (known.Kind)
            {
                case ValueKind.Section:
                    if (last) return value.Length == 0 ? null : $"{path} is a section, not a value: write \"{known.Name}\": {{ ... }}";
                    level = known.Children!;
                    continue;
                case ValueKind.Map:
                    if (last) return value.Length == 0 ? null : $"{path} is a section of named entries, not a value: write \"{known.Name}\": {{ \"name\": \"{known.Example}\" }}";
                    if (i + 2 != parts.Length) return $"{path}:{parts[i + 1]} is a value, not a section: write \"{parts[i + 1]}\": \"{known.Example}\"";
                    return null;
                case ValueKind.List:
                    if (last) return value.Length == 0 ? null : $"{path} is a list, not a value: write \"{known.Name}\": [\"{value}\"]";
                    if (i + 2 != parts.Length || !int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        return $"{path} is a list of values: write \"{known.Name}\": [{known.Example}]";
                    return null;
                default:
                    if (!last) return $"{path} is a value, not a section: write \"{known.Name}\": {known.Example}";
                    return BadValue(path, known, value);
            }
        }
        return null;
    }

    private static string? BadValue(string path, ConfigurationKey key, string value)
    {
        string v = value.Trim();
        switch (key.Kind)
        {
            case ValueKind.WholeNumber:
                return int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                    ? null : $"{path} is '{value}', not a whole number: write e.g. {key.Example}";
            case ValueKind.Number:
                return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? null : $"{path} is '{value}', not a number: write e.g. {key.Example}";
            case ValueKind.Duration:
                if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare))
                    return $"{path} is {value}, which would be read as {bare} days: write a duration as \"hh:mm:ss\", e.g. \"{Seconds(bare)}\"";
                return TimeSpan.TryParse(v, CultureInfo.InvariantCulture, out _)
                    ? null : $"{path} is '{value}', not a duration: write \"hh:mm:ss\", e.g. \"{key.Example}\"";
            case ValueKind.Flag:
                return bool.TryParse(v, out _) ? null : $"{path} is '{value}': write true or false";
            default:
                return null;
        }
    }

    // What the person most likely meant by a bare number: seconds.
    private static string Seconds(double n) =>
        n is >= 0 and < 360_000 ? TimeSpan.FromSeconds(n).ToString("c", CultureInfo.InvariantCulture) : "00:00:30";

    private static string Unknown(string path, string segment, IReadOnlyList<ConfigurationKey> level, string parent)
    {
        var best = level
            .Select(k => (k.Name, Distance: Distance(segment.ToLowerInvariant(), k.Name.ToLowerInvariant())))
            .OrderBy(x => x.Distance)
            .FirstOrDefault();
        string prefix = parent.Length == 0 ? "" : parent + ":";
        if (best.Name is not null && best.Distance <= Math.Max(2, segment.Length / 3))
            return $"unknown key '{path}': did you mean '{prefix}{best.Name}'?";
        return $"unknown key '{path}': the keys{(parent.Length == 0 ? "" : $" of {parent}")} are {string.Join(", ", level.Select(k => k.Name))}";
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
