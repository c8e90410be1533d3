namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// One configuration key, defined once: its path, what it holds, the rules its value must keep (each with its
/// one line), its help, how the typed <see cref="SupervisorSettings"/> gets its value and how that value is
/// written back out. The schema check, the loader, <c>check-config</c>, <c>--help</c>, the reload's start-only
/// check and the write-out all read these, and only these: the tables are <see cref="SupervisorSettings.Keys"/>
/// and <see cref="WorkerSettings.Keys"/>. No reflection: the supervisor is NativeAOT-compiled.
/// </summary>
internal abstract record SettingKey
{
    protected SettingKey(string path, ValueKind kind, string example, string help)
    {
        Path = path;
        Kind = kind;
        Example = example;
        Help = help;
    }

    /// <summary>"Workers:DrainTimeout": the sections and the key, as the JSON nests them and <c>--Workers:DrainTimeout=</c> writes them.</summary>
    public string Path { get; }

    /// <summary>The last part of <see cref="Path"/>: what the JSON object holding it calls it.</summary>
    public string Name => Path[(Path.LastIndexOf(':') + 1)..];

    public ValueKind Kind { get; }

    /// <summary>A value to suggest when the one given does not fit, as JSON writes it.</summary>
    public string Example { get; }

    /// <summary>What the key does, for <c>--help</c> and the README's key table; a second line goes on below the first.</summary>
    public string Help { get; }

    /// <summary>The default in words, where it is worked out rather than a value ("beside the supervisor ...").</summary>
    public string? DefaultText { get; init; }

    /// <summary>Read once, at start: a reload that changes it is refused (<see cref="StartOnlySettings"/>).</summary>
    public bool StartOnly { get; init; }

    /// <summary>How a person writes it: <c>Listeners:NAME</c> for a map, else the path.</summary>
    public string Shown => Kind == ValueKind.Map ? Path + ":NAME" : Path;

    /// <summary>The default as <c>--help</c> prints it, from the real default value; null when there is none to print.</summary>
    public string? DefaultShown => DefaultText ?? (Write(SupervisorSettings.Defaults).ToList() is [{ Key: var key, Value: { Length: > 0 } value }] && key == Path ? value : null);

    /// <summary>
    /// <paramref name="into"/> with this key's value from <paramref name="values"/> (its default when absent).
    /// A value that does not fit is a <see cref="SupervisorException"/> with the one line.
    /// </summary>
    public abstract SupervisorSettings Read(ConfigurationLayer values, SupervisorSettings into);

    /// <summary>The first rule <paramref name="settings"/> breaks for this key, as its one line; null when none.</summary>
    public abstract string? Problem(SupervisorSettings settings);

    /// <summary>
    /// The key's value in <paramref name="settings"/> as configuration pairs (<c>Workers:Args:0</c>, ...) that
    /// <see cref="Read"/> takes back to the same value. A scalar is always written, an absent one as "".
    /// </summary>
    public abstract IEnumerable<KeyValuePair<string, string>> Write(SupervisorSettings settings);

    // The kinds, each read and written by SettingValue. A value of the wrong kind was already refused by the
    // schema check, which names where it was written; Scalar's own line is only a fallback.

    public static SettingKey Text(string path, string example, string help, Func<SupervisorSettings, string> get, Func<SupervisorSettings, string, SupervisorSettings> set, params SettingRule<string>[] rules) =>
        new ValueKey<string>(path, ValueKind.Text, example, help, get, (raw, s) => raw is null ? s : set(s, raw), v => v, rules);

    public static SettingKey Whole(string path, string example, string help, Func<SupervisorSettings, int> get, Func<SupervisorSettings, int, SupervisorSettings> set, params SettingRule<int>[] rules) =>
        Scalar(path, ValueKind.WholeNumber, example, help, get, set, raw => (SettingValue.TryWhole(raw, out int v), v), SettingValue.Whole, rules);

    public static SettingKey Number(string path, string example, string help, Func<SupervisorSettings, double> get, Func<SupervisorSettings, double, SupervisorSettings> set, params SettingRule<double>[] rules) =>
        Scalar(path, ValueKind.Number, example, help, get, set, raw => (SettingValue.TryNumber(raw, out double v), v), SettingValue.Number, rules);

    public static SettingKey Duration(string path, string example, string help, Func<SupervisorSettings, TimeSpan> get, Func<SupervisorSettings, TimeSpan, SupervisorSettings> set, params SettingRule<TimeSpan>[] rules) =>
        Scalar(path, ValueKind.Duration, example, help, get, set, raw => (SettingValue.TryDuration(raw, out TimeSpan v), v), SettingValue.Duration, rules);

    public static SettingKey Flag(string path, string example, string help, Func<SupervisorSettings, bool> get, Func<SupervisorSettings, bool, SupervisorSettings> set) =>
        Scalar(path, ValueKind.Flag, example, help, get, set, raw => (SettingValue.TryFlag(raw, out bool v), v), SettingValue.Flag, []);

    /// <summary>One of <typeparamref name="TEnum"/>'s members, by name in any case; blank keeps the default.</summary>
    public static SettingKey Choice<TEnum>(string path, string help, Func<SupervisorSettings, TEnum> get, Func<SupervisorSettings, TEnum, SupervisorSettings> set)
        where TEnum : struct, Enum =>
        new ValueKey<TEnum>(path, ValueKind.Text, $"\"{SettingValue.Name(Enum.GetValues<TEnum>()[^1])}\"", help, get,
            (raw, s) => string.IsNullOrWhiteSpace(raw) ? s
                : SettingValue.TryName(raw, out TEnum v) ? set(s, v)
                : throw Fail($"{path} is '{raw}': write {SettingValue.Names<TEnum>()}"),
            SettingValue.Name, []);

    /// <summary>A value the settings get by working it out (a path resolved, a group looked up), absent or not.</summary>
    public static SettingKey Value<T>(string path, string example, string help, Func<SupervisorSettings, T> get, Func<string?, SupervisorSettings, SupervisorSettings> read, Func<T, string> format, params SettingRule<T>[] rules) =>
        new ValueKey<T>(path, ValueKind.Text, example, help, get, read, format, rules);

    public static SettingKey List(string path, string example, string help, Func<SupervisorSettings, List<string>> get, Func<SupervisorSettings, List<string>, SupervisorSettings> set, params SettingRule<List<string>>[] rules) =>
        new EntriesKey<List<string>>(path, ValueKind.List, example, help, get, set,
            entries => [.. entries.Select(e => e.Value)],
            list => list.Select((v, i) => new KeyValuePair<string, string>(SettingValue.Whole(i), v)), rules);

    public static SettingKey Map(string path, string example, string help, Func<SupervisorSettings, Dictionary<string, string>> get, Func<SupervisorSettings, Dictionary<string, string>, SupervisorSettings> set) =>
        new EntriesKey<Dictionary<string, string>>(path, ValueKind.Map, example, help, get, set, entries => entries.ToDictionary(), map => map, []);

    /// <summary>Named entries read into <typeparamref name="T"/> by <paramref name="parse"/> (the listeners).</summary>
    public static SettingKey Entries<T>(string path, string example, string help, Func<SupervisorSettings, T> get, Func<SupervisorSettings, T, SupervisorSettings> set,
        Func<IReadOnlyList<KeyValuePair<string, string>>, T> parse, Func<T, IEnumerable<KeyValuePair<string, string>>> format, params SettingRule<T>[] rules) =>
        new EntriesKey<T>(path, ValueKind.Map, example, help, get, set, parse, format, rules);

    public static SupervisorException Fail(string line) => new(line, SupervisorException.ConfigurationError);

    private static SettingKey Scalar<T>(string path, ValueKind kind, string example, string help, Func<SupervisorSettings, T> get, Func<SupervisorSettings, T, SupervisorSettings> set,
        Func<string, (bool Ok, T Value)> parse, Func<T, string> format, SettingRule<T>[] rules) =>
        new ValueKey<T>(path, kind, example, help, get,
            (raw, s) => raw is null ? s
                : parse(raw) is (true, var v) ? set(s, v)
                : throw Fail(ConfigurationSchema.BadValue(path, kind, example, raw) ?? $"{path} is '{raw}': write e.g. {example}"),
            format, rules);
}
