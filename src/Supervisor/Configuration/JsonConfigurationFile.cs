using System.Text;
using System.Text.Json;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Reads a JSON configuration file into a <see cref="ConfigurationLayer"/>, as the JSON configuration provider
/// would, but strictly: malformed JSON is reported at file:line:column, and a key given twice in one object
/// (also <c>http</c> and <c>HTTP</c>: configuration keys ignore case) is an error instead of the last one winning.
/// </summary>
internal static class JsonConfigurationFile
{
    private static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static ConfigurationLayer Read(string path, byte[] bytes)
    {
        var layer = new ConfigurationLayer($"file {path}");
        var lines = LineStarts(bytes);
        var reader = new Utf8JsonReader(bytes, Options);
        try
        {
            if (!reader.Read())
                throw Fail(path, 1, 1, "the file is empty: write a JSON object, e.g. { \"Listeners\": { \"http\": \"tcp://127.0.0.1:8080\" } }");
            if (reader.TokenType != JsonTokenType.StartObject)
                throw Fail(path, 1, 1, "the configuration must be a JSON object ({ ... })");
            ReadObject(ref reader, "", path, lines, layer);
            if (reader.Read())
            {
                var (line, column) = Position(lines, reader.TokenStartIndex);
                throw Fail(path, line, column, "more after the closing '}': the file must hold one JSON object");
            }
        }
        catch (JsonException e)
        {
            string reason = e.Message;
            int cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) reason = reason[..cut];
            throw Fail(path, (int)(e.LineNumber ?? 0) + 1, (int)(e.BytePositionInLine ?? 0) + 1, $"not valid JSON: {reason}");
        }
        return layer;
    }

    private static void ReadObject(ref Utf8JsonReader reader, string prefix, string path, List<long> lines, ConfigurationLayer layer)
    {
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        bool empty = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            empty = false;
            string name = reader.GetString()!;
            var (line, column) = Position(lines, reader.TokenStartIndex);
            string key = prefix + name;
            if (seen.TryGetValue(name, out int firstLine))
            {
                string same = seen.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                string also = same == name ? "" : $" as '{same}' (keys ignore case)";
                throw Fail(path, line, column, $"key '{key}' is given twice (first{also} at line {firstLine}): keep one");
            }
            seen[name] = line;
            reader.Read();
            ReadValue(ref reader, key, $"{path}:{line}", path, lines, layer);
        }
        if (empty && prefix.Length > 0) layer.Add(prefix.TrimEnd(':'), "", $"{path}");
    }

    private static void ReadValue(ref Utf8JsonReader reader, string key, string origin, string path, List<long> lines, ConfigurationLayer layer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                ReadObject(ref reader, key + ":", path, lines, layer);
                break;
            case JsonTokenType.StartArray:
                int index = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var (line, _) = Position(lines, reader.TokenStartIndex);
                    ReadValue(ref reader, $"{key}:{index++}", $"{path}:{line}", path, lines, layer);
                }
                if (index == 0) layer.Add(key, "", origin);
                break;
            case JsonTokenType.String:
                layer.Add(key, reader.GetString()!, origin);
                break;
            case JsonTokenType.Number:
                // Kept as written, and marked: a bare number for a duration would be read as days.
                layer.Add(key, Encoding.UTF8.GetString(reader.ValueSpan), origin);
                break;
            case JsonTokenType.True:
            case JsonTokenType.False:
                layer.Add(key, reader.TokenType == JsonTokenType.True ? "true" : "false", origin);
                break;
            case JsonTokenType.Null:
                layer.Add(key, "", origin);
                break;
        }
    }

    private static SupervisorException Fail(string path, int line, int column, string what) =>
        new($"{path}:{line}:{column}: {what}", SupervisorException.ConfigurationError);

    private static List<long> LineStarts(byte[] bytes)
    {
        var starts = new List<long> { 0 };
        for (int i = 0; i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') starts.Add(i + 1);
        return starts;
    }

    private static (int Line, int Column) Position(List<long> lineStarts, long offset)
    {
        int index = lineStarts.BinarySearch(offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, (int)(offset - lineStarts[index]) + 1);
    }
}
