using Microsoft.Extensions.Configuration;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// The <c>FdHandoffWorker:*</c> configuration keys, each defined once: its name and how it overrides what code set
/// in <see cref="FdHandoffOptions"/> (the operator's word wins), with its one-line error. A key not defined here
/// is refused, not ignored. Not <c>FdHandoff:*</c>, which the supervisor reads as its own (<c>FDHANDOFF_*</c>).
/// </summary>
internal static class FdHandoffWorkerSettings
{
    public const string Section = "FdHandoffWorker";
    public const string WarmUpKey = Section + ":" + nameof(FdHandoffOptions.WarmUp);
    public const string WarmUpTimeoutKey = Section + ":" + nameof(FdHandoffOptions.WarmUpTimeout);

    private static readonly (string Key, Action<IConfigurationSection, FdHandoffOptions> Apply)[] Keys =
    [
        // Paths separated by commas, or a JSON array; code-set paths are held to the same rules.
        (WarmUpKey, (section, options) => options.WarmUp =
            section.Value is { } list ? ParseWarmUp(list)
            : section.GetChildren().Any() ? ParseWarmUp(string.Join(',', section.GetChildren().Select(c => c.Value)))
            : [.. (options.WarmUp ?? []).Select(p => p.Trim()).Where(p => p.Length > 0).Select(CheckedPath)]),
        (WarmUpTimeoutKey, (section, options) =>
        {
            if (section.Value is { } limit) options.WarmUpTimeout = ParseWarmUpTimeout(limit);
        }),
    ];

    /// <summary><paramref name="options"/> as <paramref name="configuration"/>'s <c>FdHandoffWorker</c> section overrides them.</summary>
    public static void Apply(IConfiguration configuration, FdHandoffOptions options)
    {
        foreach (var child in configuration.GetSection(Section).GetChildren())
        {
            if (!Keys.Any(k => string.Equals(k.Key, child.Path, StringComparison.OrdinalIgnoreCase)))
                throw new FdHandoffConfigurationException(
                    $"{child.Path} is not a setting: the keys of {Section} are {string.Join(", ", Keys.Select(k => k.Key[(Section.Length + 1)..]))}");
        }
        foreach (var (key, apply) in Keys) apply(configuration.GetSection(key), options);
    }

    /// <summary>"00:00:05" -> 5 s (the supervisor's duration format). A bare number is refused, as the supervisor
    /// refuses it: TimeSpan would read "5" as five days.</summary>
    internal static TimeSpan ParseWarmUpTimeout(string value) =>
        value.Contains(':') && TimeSpan.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero
            ? t
            : throw new FdHandoffConfigurationException(
                $"{WarmUpTimeoutKey}: '{value}' is not a positive duration; write it as hh:mm:ss (\"00:00:10\")");

    /// <summary>"/, /health" -> ["/", "/health"]; "" -> [] (no warm-up). A path starts with '/' and is printable ASCII.</summary>
    internal static List<string> ParseWarmUp(string value) =>
        [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CheckedPath)];

    private static string CheckedPath(string path) =>
        path.StartsWith('/') && path.All(c => c > ' ' && c <= '~') // a request line takes printable ASCII only
            ? path
            : throw new FdHandoffConfigurationException(
                $"{WarmUpKey}: '{path}' is not a request path; write paths that start with '/', separated by commas (\"/,/health\"), or leave it empty to turn the warm-up off");
}
