using System.Net;

namespace FdHandoff.Supervisor.Metrics;

/// <summary><c>Metrics:Listen</c>: an IP address and a port, <c>127.0.0.1:9464</c> or <c>[::1]:9464</c>.</summary>
internal sealed record MetricsAddress(IPAddress Address, int Port)
{
    /// <summary>
    /// The host part of an HttpListener prefix. HttpListener answers only requests whose Host header names the
    /// prefix's host, and takes 0.0.0.0 for no address at all: the any-address becomes its wildcard "+" (every
    /// interface, any Host header); an IP stays itself (IPv6 in brackets), so probes and scrapes use that IP.
    /// </summary>
    public string Host =>
        Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? "+"
        : Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]"
        : Address.ToString();

    public override string ToString() => $"{Host}:{Port}";

    /// <summary>Null when unset (metrics off); a configuration error naming the fix when it does not parse.</summary>
    public static MetricsAddress? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (IPEndPoint.TryParse(text.Trim(), out var endpoint) && endpoint.Port > 0 && text.Contains(':') && (endpoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.TrimStart().StartsWith('[')))
            return new MetricsAddress(endpoint.Address, endpoint.Port);
        throw new SupervisorException($"Metrics:Listen '{text}' is not an address and port: write it as 127.0.0.1:9464 or [::1]:9464", SupervisorException.ConfigurationError);
    }
}
