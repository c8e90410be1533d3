using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FdHandoff.Unix;

namespace FdHandoff.Listeners;

/// <summary>
/// One listener as a person writes it: <c>name=tcp://127.0.0.1:8080</c>, <c>http6=tcp://[::]:8080</c>,
/// <c>diameter=sctp://127.0.0.1,127.0.0.2:3868?backlog=128</c>, <c>dns=udp://[::1]:5353</c>,
/// <c>web=mptcp://0.0.0.0:443</c>, <c>http=unix:///run/app/http.sock?mode=0660&amp;group=www-data</c>.
/// Several addresses are only for SCTP (a multi-homed endpoint); they must all be of one family.
/// </summary>
public sealed record ListenerSpec
{
    /// <summary>Backlog when the spec does not say.</summary>
    /// <remarks>Defaults to 4096, the kernel's default somaxconn: connections queue while workers are replaced.</remarks>
    public const int DefaultBacklog = 4096;

    /// <summary>Permissions of a unix socket file when the spec does not say.</summary>
    /// <remarks>Defaults to 0660: connect(2) needs write permission, so the owner and the group get in, nobody else.</remarks>
    public const int DefaultUnixMode = 0x1B0; // 0660

    private const string IpForms = "tcp://127.0.0.1:8080, tcp://[::1]:8080 or sctp://10.0.0.1,10.0.0.2:3868";
    private const string AllForms = "tcp://127.0.0.1:8080, tcp://[::1]:8080, udp://127.0.0.1:5353, mptcp://127.0.0.1:8080, unix:///run/app/http.sock?mode=0660&group=www-data or sctp://10.0.0.1,10.0.0.2:3868";

    /// <summary>An IP listener: tcp, sctp, udp or mptcp.</summary>
    public ListenerSpec(string name, ListenerTransport transport, IReadOnlyList<IPAddress> addresses, int port, int backlog = DefaultBacklog)
    {
        if (transport == ListenerTransport.Unix) throw new ArgumentException("a unix listener has a path, not addresses", nameof(transport));
        Name = name;
        Transport = transport;
        Addresses = addresses;
        Port = port;
        Backlog = backlog;
    }

    /// <summary>A unix stream listener on <paramref name="path"/>, made with <paramref name="mode"/> and owned by <paramref name="group"/> (a name or gid; null keeps the creator's).</summary>
    public ListenerSpec(string name, string path, int mode = DefaultUnixMode, string? group = null, int backlog = DefaultBacklog)
    {
        Name = name;
        Transport = ListenerTransport.Unix;
        Addresses = [];
        Path = path;
        Mode = mode;
        Group = group;
        Backlog = backlog;
    }

    public string Name { get; }
    public ListenerTransport Transport { get; }

    /// <summary>The IP addresses; empty for a unix listener.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The port; 0 for a unix listener.</summary>
    public int Port { get; }

    /// <summary>The listen(2) backlog; not used by udp.</summary>
    public int Backlog { get; }

    /// <summary>The socket file of a unix listener (absolute); null for the IP kinds.</summary>
    public string? Path { get; }

    /// <summary>Permission bits of the unix socket file (0660 by default); 0 for the IP kinds.</summary>
    public int Mode { get; }

    /// <summary>Group of the unix socket file, as written (a name or a gid); null keeps the creator's.</summary>
    public string? Group { get; }

    public AddressFamily Family => Transport == ListenerTransport.Unix ? AddressFamily.Unix : Addresses[0].AddressFamily;

    /// <summary>Whether it accepts connections (everything but udp).</summary>
    public bool IsStream => Transport != ListenerTransport.Udp;

    /// <summary>The first address and the port: where bind() goes (the others are added with bindx).</summary>
    public IPEndPoint PrimaryEndPoint => Transport == ListenerTransport.Unix
        ? throw new InvalidOperationException($"listener {Name} is a unix socket ({Path}), it has no IP endpoint")
        : new(Addresses[0], Port);

    /// <summary>The address part, as typed: <c>tcp://[::1]:8080</c>, <c>unix:///run/app/http.sock?mode=0600</c>.</summary>
    public string Address
    {
        get
        {
            if (Transport == ListenerTransport.Unix)
            {
                var options = new List<string>();
                if (Mode != DefaultUnixMode) options.Add($"mode=0{Convert.ToString(Mode, 8)}");
                if (Group is not null) options.Add($"group={Group}");
                if (Backlog != DefaultBacklog) options.Add($"backlog={Backlog}");
                return $"unix://{Path}{(options.Count > 0 ? "?" + string.Join("&", options) : "")}";
            }
            string scheme = Transport.ToString().ToLowerInvariant();
            string hosts = string.Join(",", Addresses.Select(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()));
            string backlog = Backlog == DefaultBacklog ? "" : $"?backlog={Backlog}";
            return $"{scheme}://{hosts}:{Port}{backlog}";
        }
    }

    /// <summary>Formats as it parses: <c>http=tcp://127.0.0.1:8080</c>.</summary>
    public override string ToString() => $"{Name}={Address}";

    /// <summary>Parses <c>name=scheme://host[,host...]:port[?backlog=N]</c> or <c>name=unix:///path[?mode=0660&amp;group=NAME]</c>.</summary>
    public static ListenerSpec Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0)
            throw new ListenerSpecException($"listener '{text}' has no name: write it as name=tcp://127.0.0.1:8080");
        return Parse(text[..eq], text[(eq + 1)..]);
    }

    /// <summary>Parses the address part of a listener whose name is given apart (a configuration key).</summary>
    public static ListenerSpec Parse(string name, string address)
    {
        name = name.Trim();
        address = address.Trim();
        string FailWith(string what, string forms) => $"listener '{name}' ({address}): {what}; write it as {forms}";
        Func<string, string> fail = what => FailWith(what, IpForms);

        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ListenerSpecException($"listener name '{name}' is not valid: use letters, digits, '-', '_' or '.'");

        int schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw new ListenerSpecException(FailWith("missing scheme", AllForms));
        var transport = address[..schemeEnd].ToLowerInvariant() switch
        {
            "tcp" => ListenerTransport.Tcp,
            "sctp" => ListenerTransport.Sctp,
            "udp" => ListenerTransport.Udp,
            "mptcp" => ListenerTransport.Mptcp,
            "unix" => ListenerTransport.Unix,
            var other => throw new ListenerSpecException(FailWith($"unknown scheme '{other}' (tcp, udp, mptcp, sctp or unix)", AllForms)),
        };
        string rest = address[(schemeEnd + 3)..];
        string query = "";
        int q = rest.IndexOf('?');
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        if (transport == ListenerTransport.Unix)
            return ParseUnix(name, rest, query, what => FailWith(what, "unix:///run/app/http.sock?mode=0660&group=www-data"));
        if (transport == ListenerTransport.Udp) fail = what => FailWith(what, "udp://127.0.0.1:5353 or udp://[::1]:5353");
        if (transport == ListenerTransport.Mptcp) fail = what => FailWith(what, "mptcp://127.0.0.1:8080 or mptcp://[::1]:8080");

        int backlog = DefaultBacklog;
        foreach (var (key, value) in Options(query))
        {
            if (transport == ListenerTransport.Udp)
                throw new ListenerSpecException(fail($"unknown option '{key}' (a udp listener takes none: backlog is for stream sockets)"));
            if (key != "backlog") throw new ListenerSpecException(fail($"unknown option '{key}' (only backlog)"));
            backlog = ParseBacklog(value, fail);
        }

        int colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']')) throw new ListenerSpecException(fail("missing port"));
        string portText = rest[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ListenerSpecException(fail($"port '{portText}' is not a number from 1 to 65535"));

        var addresses = new List<IPAddress>();
        foreach (string host in rest[..colon].Split(','))
        {
            string h = host.Trim();
            bool bracketed = h.StartsWith('[') && h.EndsWith(']');
            if (bracketed) h = h[1..^1];
            if (h.Length == 0) throw new ListenerSpecException(fail("missing address"));
            if (!IPAddress.TryParse(h, out var ip))
                throw new ListenerSpecException(fail($"'{h}' is not an IP address (host names are not resolved)"));
            if (ip.AddressFamily == AddressFamily.InterNetworkV6 && !bracketed)
                throw new ListenerSpecException(fail($"IPv6 address '{h}' must be in brackets, [{h}]"));
            addresses.Add(ip);
        }

        if (addresses.Count > 1 && transport != ListenerTransport.Sctp)
            throw new ListenerSpecException(fail("several addresses are only for SCTP (multi-homing)"));
        if (addresses.Any(a => a.AddressFamily != addresses[0].AddressFamily))
            throw new ListenerSpecException(fail("all addresses must be IPv4 or all IPv6"));
        if (addresses.Distinct().Count() != addresses.Count)
            throw new ListenerSpecException(fail("an address is listed twice"));

        return new ListenerSpec(name, transport, addresses, port, backlog);
    }

    private static ListenerSpec ParseUnix(string name, string path, string query, Func<string, string> fail)
    {
        if (path.Length == 0) throw new ListenerSpecException(fail("missing path"));
        if (!path.StartsWith('/'))
            throw new ListenerSpecException(fail($"path '{path}' is relative; give an absolute path after unix:// (three slashes in all)"));
        if (path.EndsWith('/')) throw new ListenerSpecException(fail($"path '{path}' names a directory; name the socket file"));
        if (path.Split('/').Any(part => part is "." or ".."))
            throw new ListenerSpecException(fail($"path '{path}' has '.' or '..' in it; write the plain absolute path"));
        // sun_path holds 108 bytes with the terminating NUL.
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > 107) throw new ListenerSpecException(fail($"path '{path}' is {bytes} bytes; a unix socket path holds at most 107"));

        int mode = DefaultUnixMode, backlog = DefaultBacklog;
        string? group = null;
        foreach (var (key, value) in Options(query))
        {
            switch (key)
            {
                case "mode":
                    if (value.Length is < 3 or > 4 || !value.All(c => c is >= '0' and <= '7') || (value.Length == 4 && value[0] != '0'))
                        throw new ListenerSpecException(fail($"mode '{value}' is not octal permissions such as 0660 (0000 to 0777)"));
                    mode = Convert.ToInt32(value, 8);
                    break;
                case "group":
                    if (value.Length == 0) throw new ListenerSpecException(fail("group is empty; give a group name or a gid"));
                    if (!uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out _) && UnixGroup.Find(value) is null)
                        throw new ListenerSpecException(fail($"group '{value}' does not exist on this host (getent group {value}); create it, give a gid, or leave group out"));
                    group = value;
                    break;
                case "backlog":
                    backlog = ParseBacklog(value, fail);
                    break;
                default:
                    throw new ListenerSpecException(fail($"unknown option '{key}' (mode, group or backlog)"));
            }
        }
        return new ListenerSpec(name, path, mode, group, backlog);
    }

    private static IEnumerable<(string Key, string Value)> Options(string query)
    {
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            yield return eq < 0 ? (pair, "") : (pair[..eq], pair[(eq + 1)..]);
        }
    }

    private static int ParseBacklog(string value, Func<string, string> fail)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int backlog) || backlog < 1)
            throw new ListenerSpecException(fail($"backlog '{value}' is not a positive number"));
        return backlog;
    }
}
