using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Listeners;

/// <summary>
/// One listener as a person writes it: <c>name=tcp://127.0.0.1:8080</c>, <c>http6=tcp://[::]:8080</c>,
/// <c>diameter=sctp://127.0.0.1,127.0.0.2:3868?backlog=128</c>. Several addresses are only for SCTP
/// (a multi-homed endpoint); they must all be of one family.
/// </summary>
public sealed record ListenerSpec
{
    /// <summary>Backlog when the spec does not say.</summary>
    /// <remarks>Defaults to 4096, the kernel's default somaxconn: connections queue while workers are replaced.</remarks>
    public const int DefaultBacklog = 4096;

    public ListenerSpec(string name, ListenerTransport transport, IReadOnlyList<IPAddress> addresses, int port, int backlog = DefaultBacklog)
    {
        Name = name;
        Transport = transport;
        Addresses = addresses;
        Port = port;
        Backlog = backlog;
    }

    public string Name { get; }
    public ListenerTransport Transport { get; }
    public IReadOnlyList<IPAddress> Addresses { get; }
    public int Port { get; }
    public int Backlog { get; }

    public AddressFamily Family => Addresses[0].AddressFamily;

    /// <summary>The first address and the port: where bind() goes (the others are added with bindx).</summary>
    public IPEndPoint PrimaryEndPoint => new(Addresses[0], Port);

    /// <summary>The address part, as typed: <c>tcp://[::1]:8080</c>.</summary>
    public string Address
    {
        get
        {
            string scheme = Transport == ListenerTransport.Tcp ? "tcp" : "sctp";
            string hosts = string.Join(",", Addresses.Select(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString()));
            string backlog = Backlog == DefaultBacklog ? "" : $"?backlog={Backlog}";
            return $"{scheme}://{hosts}:{Port}{backlog}";
        }
    }

    /// <summary>Formats as it parses: <c>http=tcp://127.0.0.1:8080</c>.</summary>
    public override string ToString() => $"{Name}={Address}";

    /// <summary>Parses <c>name=scheme://host[,host...]:port[?backlog=N]</c>.</summary>
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
        string Fail(string what) =>
            $"listener '{name}' ({address}): {what}; write it as tcp://127.0.0.1:8080, tcp://[::1]:8080 or sctp://10.0.0.1,10.0.0.2:3868";

        name = name.Trim();
        address = address.Trim();
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ListenerSpecException($"listener name '{name}' is not valid: use letters, digits, '-', '_' or '.'");

        int schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) throw new ListenerSpecException(Fail("missing scheme"));
        var transport = address[..schemeEnd].ToLowerInvariant() switch
        {
            "tcp" => ListenerTransport.Tcp,
            "sctp" => ListenerTransport.Sctp,
            var other => throw new ListenerSpecException(Fail($"unknown scheme '{other}' (tcp or sctp)")),
        };

        string rest = address[(schemeEnd + 3)..];
        int backlog = DefaultBacklog;
        int query = rest.IndexOf('?');
        if (query >= 0)
        {
            backlog = ParseQuery(rest[(query + 1)..], Fail);
            rest = rest[..query];
        }

        int colon = rest.LastIndexOf(':');
        if (colon < 0 || rest.EndsWith(']')) throw new ListenerSpecException(Fail("missing port"));
        string portText = rest[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new ListenerSpecException(Fail($"port '{portText}' is not a number from 1 to 65535"));

        var addresses = new List<IPAddress>();
        foreach (string host in rest[..colon].Split(','))
        {
            string h = host.Trim();
            bool bracketed = h.StartsWith('[') && h.EndsWith(']');
            if (bracketed) h = h[1..^1];
            if (h.Length == 0) throw new ListenerSpecException(Fail("missing address"));
            if (!IPAddress.TryParse(h, out var ip))
                throw new ListenerSpecException(Fail($"'{h}' is not an IP address (host names are not resolved)"));
            if (ip.AddressFamily == AddressFamily.InterNetworkV6 && !bracketed)
                throw new ListenerSpecException(Fail($"IPv6 address '{h}' must be in brackets, [{h}]"));
            addresses.Add(ip);
        }

        if (addresses.Count > 1 && transport != ListenerTransport.Sctp)
            throw new ListenerSpecException(Fail("several addresses are only for SCTP (multi-homing)"));
        if (addresses.Any(a => a.AddressFamily != addresses[0].AddressFamily))
            throw new ListenerSpecException(Fail("all addresses must be IPv4 or all IPv6"));
        if (addresses.Distinct().Count() != addresses.Count)
            throw new ListenerSpecException(Fail("an address is listed twice"));

        return new ListenerSpec(name, transport, addresses, port, backlog);
    }

    private static int ParseQuery(string query, Func<string, string> fail)
    {
        int backlog = DefaultBacklog;
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            string key = eq < 0 ? pair : pair[..eq];
            string value = eq < 0 ? "" : pair[(eq + 1)..];
            if (key != "backlog") throw new ListenerSpecException(fail($"unknown option '{key}' (only backlog)"));
            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out backlog) || backlog < 1)
                throw new ListenerSpecException(fail($"backlog '{value}' is not a positive number"));
        }
        return backlog;
    }
}
