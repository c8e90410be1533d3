namespace FdHandoff.Supervisor.Configuration;

/// <summary>A key that holds one value (<see cref="ValueKind.Text"/>, a number, a duration, a flag).</summary>
internal sealed record ValueKey<T> : SettingKey
{
    private readonly Func<SupervisorSettings, T> _get;
    private readonly Func<string?, SupervisorSettings, SupervisorSettings> _read;
    private readonly Func<T, string> _format;
    private readonly IReadOnlyList<SettingRule<T>> _rules;

    /// <param name="get">The typed value, as the rest of the supervisor reads it.</param>
    /// <param name="read">The settings with the value written (null when the key is absent: most keep their default, some work one out).</param>
    /// <param name="format">The typed value as written; <paramref name="read"/> takes it back to the same value.</param>
    public ValueKey(string path, ValueKind kind, string example, string help, Func<SupervisorSettings, T> get,
        Func<string?, SupervisorSettings, SupervisorSettings> read, Func<T, string> format, IReadOnlyList<SettingRule<T>> rules)
        : base(path, kind, example, help)
    {
        _get = get;
        _read = read;
        _format = format;
        _rules = rules;
    }

    public override SupervisorSettings Read(ConfigurationLayer values, SupervisorSettings into) =>
        _read(values.Values.TryGetValue(Path, out string? raw) ? raw : null, into);

    public override string? Problem(SupervisorSettings settings)
    {
        T value = _get(settings);
        foreach (var rule in _rules)
            if (rule(value, settings) is { } problem) return problem;
        return null;
    }

    public override IEnumerable<KeyValuePair<string, string>> Write(SupervisorSettings settings) =>
        [new(Path, _format(_get(settings)))];
}
