using FdHandoff.Listeners;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Metrics;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// The checked configuration: every listener parsed, the worker command found. A top-level key is added here,
/// in two places of this file: its definition in <see cref="Keys"/> and the typed property below, whose
/// initializer is the one default; a <c>Workers</c> key is added to <see cref="WorkerSettings"/> alike.
/// </summary>
internal sealed record SupervisorSettings(
    IReadOnlyList<ListenerSpec> Listeners,
    WorkerSettings Workers,
    string WorkerCommandPath,
    string ControlSocketPath)
{
    /// <summary>
    /// Every key the supervisor reads, in the order <c>--help</c> and the README list them: a key missing here is
    /// refused as unknown (<see cref="ConfigurationSchema"/>), and what is here is read, checked, shown and
    /// written out with no other change.
    /// </summary>
    public static readonly IReadOnlyList<SettingKey> Keys =
    [
        SettingKey.Entries("Listeners", "tcp://127.0.0.1:8080",
            "a listener (at least one): tcp://127.0.0.1:8080, tcp://[::1]:8080?backlog=1024, sctp://10.0.0.1,10.0.0.2:3868,\nudp://0.0.0.0:5353, mptcp://0.0.0.0:8443, unix:///run/app/http.sock?mode=0660&group=www-data",
            s => s.Listeners, (s, v) => s with { Listeners = v }, ParseListeners, v => v.Select(l => new KeyValuePair<string, string>(l.Name, l.Address)),
            (v, _) => v.GroupBy(ListenerIdentity.Of).FirstOrDefault(g => g.Count() > 1) is { } twice
                ? $"listeners {string.Join(" and ", twice.Select(l => l.Name))} both have the address {twice.First().Address}: give each listener its own address" : null,
            (v, _) => v.Count == 0 ? "no listeners configured: add one, e.g. --listen http=tcp://127.0.0.1:8080" : null),
        .. WorkerSettings.Keys,
        SettingKey.Value("ControlSocket", "\"/run/fdhandoff/control.sock\"", "the control socket",
            s => s.ControlSocketPath, (raw, s) => s with { ControlSocketPath = ControlSocketLocation.Resolve(raw) }, path => path)
            with { StartOnly = true, DefaultText = "$RUNTIME_DIRECTORY/control.sock, /run/fdhandoff/control.sock for root,\nelse $XDG_RUNTIME_DIR/fdhandoff/control.sock" },
        SettingKey.Value("ControlSocketGroup", "\"fdhandoff\"", "a group (name or gid) that may use the control socket (status, upgrade)",
            s => s.ControlSocketGroup, (raw, s) => string.IsNullOrWhiteSpace(raw) ? s with { ControlSocketGroup = null } : s with { ControlSocketGroup = ControlSocketGroup.Resolve(raw.Trim()) },
            group => group?.Name ?? "") with { StartOnly = true, DefaultText = "none: the owner and root only" },
        SettingKey.Duration("Control:FirstMessageTimeout", "00:00:05", "a control connection that sends nothing this long is dropped",
            s => s.FirstMessageTimeout, (s, v) => s with { FirstMessageTimeout = v },
            (v, _) => v <= TimeSpan.Zero ? "Control:FirstMessageTimeout must be positive (e.g. 00:00:05)" : null) with { StartOnly = true },
        SettingKey.Value("Metrics:Listen", "\"127.0.0.1:9464\"", "serve /metrics, /healthz, /readyz on this address (e.g. 127.0.0.1:9464)",
            s => s.MetricsListen, (raw, s) => s with { MetricsListen = MetricsAddress.Parse(raw) }, address => address is null ? "" : new System.Net.IPEndPoint(address.Address, address.Port).ToString())
            with { StartOnly = true, DefaultText = "off" },
        SettingKey.Flag("SkipUnavailableSctp", "true", "start without the SCTP listeners where the kernel has no SCTP",
            s => s.SkipUnavailableSctp, (s, v) => s with { SkipUnavailableSctp = v }),
    ];

    /// <summary>What every key reads as when the configuration does not give it: the start of every load.</summary>
    public static SupervisorSettings Defaults { get; } = new([], new WorkerSettings(), "", "");

    /// <summary>The file this was read from (hash, mtime): <c>fdhandoff status</c> shows it per generation. Not a key: not written out.</summary>
    public ConfigurationVersion Version { get; init; } = ConfigurationVersion.None;

    /// <summary>A control connection that sends nothing this long is dropped (<c>Control:FirstMessageTimeout</c>).</summary>
    /// <remarks>A .NET client needs its first JSON serialization between connect and send; on a slow or starved
    /// CPU (emulated, overloaded) that alone can take a few seconds, hence the generous default.</remarks>
    public TimeSpan FirstMessageTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The group that may use the control socket besides the owner and root (<c>ControlSocketGroup</c>):
    /// the socket is then 0660 and owned by it, and its members may ask for upgrade and status.
    /// Workers are still checked by pid, generation and token whatever their group.
    /// </summary>
    /// <remarks>Null: the socket is 0600, for the owner and root only.</remarks>
    public ControlSocketGroup? ControlSocketGroup { get; init; }

    /// <summary>
    /// Where the kernel has no SCTP: false refuses to start; true starts without the SCTP listeners, with an
    /// error line for each. Configuration key <c>SkipUnavailableSctp</c>.
    /// </summary>
    public bool SkipUnavailableSctp { get; init; }

    /// <summary>Where to serve /metrics, /healthz and /readyz (<c>Metrics:Listen</c>, e.g. 127.0.0.1:9464).</summary>
    /// <remarks>Null: no metrics endpoint.</remarks>
    public MetricsAddress? MetricsListen { get; init; }

    /// <summary>
    /// Every key as configuration pairs (<c>Workers:Args:0</c>, <c>Listeners:http</c> ...) that
    /// <see cref="FromPairs"/> reads back to equal settings: what a generation ran with, saved across a re-exec.
    /// Worked-out values are written as worked out (the worker's real path, the control socket's path), so
    /// reading them back does not depend on the directory or environment of the process that reads them.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToPairs() => [.. Keys.SelectMany(k => k.Write(this))];

    /// <summary>Settings from pairs <see cref="ToPairs"/> wrote, read and checked as any configuration is.</summary>
    public static SupervisorSettings FromPairs(IEnumerable<KeyValuePair<string, string>> pairs, string origin)
    {
        var layer = new ConfigurationLayer(origin);
        foreach (var (key, value) in pairs) layer.Add(key, value, origin);
        return SettingsLoader.Load(layer);
    }

    // An emptied entry removes a listener a lower layer gave (the file's, under an FDHANDOFF_Listeners__http=).
    private static List<ListenerSpec> ParseListeners(IReadOnlyList<KeyValuePair<string, string>> entries)
    {
        var listeners = new List<ListenerSpec>();
        foreach (var (name, address) in entries.Where(e => !string.IsNullOrWhiteSpace(e.Value)))
        {
            try
            {
                listeners.Add(ListenerSpec.Parse(name, address));
            }
            catch (ListenerSpecException e)
            {
                throw new SupervisorException(e.Message, SupervisorException.ConfigurationError, e);
            }
        }
        return listeners;
    }
}
