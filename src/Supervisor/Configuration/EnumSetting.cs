using Microsoft.Extensions.Configuration;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Checks a key whose value names a member of <typeparamref name="TEnum"/> before the binder reads it: the
/// binder takes a number ("7") as a member that does not exist, and answers a typo with a stack trace.
/// </summary>
internal static class EnumSetting<TEnum> where TEnum : struct, Enum
{
    /// <summary>Nothing when <paramref name="key"/> is absent or a member's name (any case); otherwise the one line.</summary>
    public static void Check(IConfiguration configuration, string key)
    {
        string? value = configuration[key];
        if (string.IsNullOrWhiteSpace(value)) return;
        if (Enum.GetNames<TEnum>().Any(n => n.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase))) return;
        string names = string.Join(" or ", Enum.GetNames<TEnum>().Select(n => $"\"{n.ToLowerInvariant()}\""));
        throw new SupervisorException($"{key} is '{value}': write {names}", SupervisorException.ConfigurationError);
    }
}
