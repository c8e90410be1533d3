using System.Globalization;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// How a value of each <see cref="ValueKind"/> is read from its text and written back, for every key: the
/// schema check, the loader and the write-out use these and nothing else, so what one accepts the others read
/// alike and what is written out reads back equal.
/// </summary>
internal static class SettingValue
{
    public static bool TryWhole(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    public static bool TryNumber(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>hh:mm:ss[.fff] or d.hh:mm:ss; never a bare number, which TimeSpan would read as days.</summary>
    public static bool TryDuration(string text, out TimeSpan value)
    {
        value = default;
        return !TryNumber(text, out _) && TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out value);
    }

    public static bool TryFlag(string text, out bool value) => bool.TryParse(text.Trim(), out value);

    public static string Whole(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"00:00:30", "00:00:00.1": the constant format without the trailing zeros of its fraction, which a person would not write.</summary>
    public static string Duration(TimeSpan value)
    {
        string text = value.ToString("c", CultureInfo.InvariantCulture);
        return text.Contains('.') && text.LastIndexOf('.') > text.LastIndexOf(':') ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    public static string Flag(bool value) => value ? "true" : "false";

    /// <summary>An enum member as the configuration spells it: lower case.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>The member <paramref name="text"/> names (any case); numbers are not names, though Enum.TryParse takes them.</summary>
    public static bool TryName<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var member in Enum.GetValues<TEnum>())
        {
            if (!member.ToString().Equals(text.Trim(), StringComparison.OrdinalIgnoreCase)) continue;
            value = member;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>"\"fdhandoff\" or \"systemd\"": what to write instead of a wrong name.</summary>
    public static string Names<TEnum>() where TEnum : struct, Enum =>
        string.Join(" or ", Enum.GetValues<TEnum>().Select(v => $"\"{Name(v)}\""));
}
