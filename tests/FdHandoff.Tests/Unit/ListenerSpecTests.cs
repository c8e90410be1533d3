using System.Net;
using FdHandoff.Listeners;

namespace FdHandoff.Tests.Unit;

public sealed class ListenerSpecTests
{
    [Theory]
    [InlineData("http=tcp://127.0.0.1:8080", "http", ListenerTransport.Tcp, "127.0.0.1", 8080)]
    [InlineData("http6=tcp://[::]:8080", "http6", ListenerTransport.Tcp, "::", 8080)]
    [InlineData("diameter=sctp://0.0.0.0:3868", "diameter", ListenerTransport.Sctp, "0.0.0.0", 3868)]
    [InlineData("sig=SCTP://[::1]:2905", "sig", ListenerTransport.Sctp, "::1", 2905)]
    public void Parses_a_spec_a_person_types(string text, string name, ListenerTransport transport, string address, int port)
    {
        var spec = ListenerSpec.Parse(text);

        Assert.Equal(name, spec.Name);
        Assert.Equal(transport, spec.Transport);
        Assert.Equal(IPAddress.Parse(address), Assert.Single(spec.Addresses));
        Assert.Equal(port, spec.Port);
        Assert.Equal(ListenerSpec.DefaultBacklog, spec.Backlog);
    }

    [Fact]
    public void A_multi_homed_sctp_listener_keeps_every_address_in_order()
    {
        var spec = ListenerSpec.Parse("diameter=sctp://127.0.0.1,127.0.0.2:3868?backlog=128");

        Assert.Equal([IPAddress.Parse("127.0.0.1"), IPAddress.Parse("127.0.0.2")], spec.Addresses);
        Assert.Equal(128, spec.Backlog);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.1"), 3868), spec.PrimaryEndPoint);
    }

    [Theory]
    [InlineData("http=tcp://127.0.0.1:8080")]
    [InlineData("http6=tcp://[::1]:8080?backlog=64")]
    [InlineData("d=sctp://[fe80::1],[fe80::2]:3868")]
    [InlineData("dns=udp://127.0.0.1:5353")]
    [InlineData("dns6=udp://[::1]:5353")]
    [InlineData("web=mptcp://[::]:443?backlog=512")]
    [InlineData("http=unix:///run/app/http.sock")]
    [InlineData("http=unix:///run/app/http.sock?mode=0600&group=root&backlog=16")]
    public void Formats_as_it_parses(string text) => Assert.Equal(text, ListenerSpec.Parse(text).ToString());

    [Theory]
    [InlineData("tcp://127.0.0.1:8080", "has no name")]
    [InlineData("we b=tcp://127.0.0.1:8080", "name 'we b' is not valid")]
    [InlineData("x=127.0.0.1:8080", "missing scheme")]
    [InlineData("x=quic://127.0.0.1:443", "unknown scheme 'quic'")]
    [InlineData("x=tcp://127.0.0.1", "missing port")]
    [InlineData("x=tcp://[::1]", "missing port")]
    [InlineData("x=tcp://127.0.0.1:0", "not a number from 1 to 65535")]
    [InlineData("x=tcp://127.0.0.1:http", "not a number from 1 to 65535")]
    [InlineData("x=tcp://:8080", "missing address")]
    [InlineData("x=tcp://example.com:80", "not an IP address")]
    [InlineData("x=tcp://::1:80", "must be in brackets")]
    [InlineData("x=tcp://10.0.0.1,10.0.0.2:80", "only for SCTP")]
    [InlineData("x=sctp://10.0.0.1,[::1]:80", "must be IPv4 or all IPv6")]
    [InlineData("x=sctp://10.0.0.1,10.0.0.1:80", "listed twice")]
    [InlineData("x=tcp://127.0.0.1:80?backlog=0", "not a positive number")]
    [InlineData("x=tcp://127.0.0.1:80?reuseport=1", "unknown option 'reuseport'")]
    public void A_malformed_spec_says_what_is_wrong(string text, string what)
    {
        var e = Assert.Throws<ListenerSpecException>(() => ListenerSpec.Parse(text));
        Assert.Contains(what, e.Message);
    }

    [Theory]
    [InlineData("dns=udp://127.0.0.1:5353", ListenerTransport.Udp, "127.0.0.1", 5353)]
    [InlineData("dns6=UDP://[::1]:53", ListenerTransport.Udp, "::1", 53)]
    [InlineData("web=mptcp://0.0.0.0:443", ListenerTransport.Mptcp, "0.0.0.0", 443)]
    [InlineData("web6=mptcp://[::1]:8443", ListenerTransport.Mptcp, "::1", 8443)]
    public void Parses_udp_and_mptcp_over_IPv4_and_IPv6(string text, ListenerTransport transport, string address, int port)
    {
        var spec = ListenerSpec.Parse(text);

        Assert.Equal(transport, spec.Transport);
        Assert.Equal(IPAddress.Parse(address), Assert.Single(spec.Addresses));
        Assert.Equal(port, spec.Port);
        Assert.Equal(transport != ListenerTransport.Udp, spec.IsStream);
    }

    [Fact]
    public void Parses_a_unix_listener_with_its_path_mode_and_group()
    {
        var spec = ListenerSpec.Parse("http=unix:///run/app/http.sock?mode=0640&group=root");

        Assert.Equal(ListenerTransport.Unix, spec.Transport);
        Assert.Equal("/run/app/http.sock", spec.Path);
        Assert.Equal(0x1A0, spec.Mode); // 0640
        Assert.Equal("root", spec.Group);
        Assert.Empty(spec.Addresses);
        Assert.Equal(System.Net.Sockets.AddressFamily.Unix, spec.Family);
    }

    [Fact]
    public void A_unix_listener_without_options_is_0660_and_keeps_the_creators_group()
    {
        var spec = ListenerSpec.Parse("http=unix:///run/app/http.sock");

        Assert.Equal(0x1B0, spec.Mode); // 0660
        Assert.Null(spec.Group);
        Assert.Equal(ListenerSpec.DefaultBacklog, spec.Backlog);
    }

    [Theory]
    [InlineData("x=unix://run/app.sock", "path 'run/app.sock' is relative", "unix:///run/app/http.sock")]
    [InlineData("x=unix://", "missing path", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/app/", "names a directory", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/../etc/app.sock", "'.' or '..'", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?mode=0999", "mode '0999' is not octal permissions", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?mode=4777", "mode '4777' is not octal permissions", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?mode=rw", "mode 'rw' is not octal permissions", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?group=no-such-group-fdh", "group 'no-such-group-fdh' does not exist on this host", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?group=", "group is empty", "unix:///run/app/http.sock")]
    [InlineData("x=unix:///run/a.sock?owner=www", "unknown option 'owner' (mode, group or backlog)", "unix:///run/app/http.sock")]
    [InlineData("x=udp://127.0.0.1:53?backlog=10", "unknown option 'backlog' (a udp listener takes none", "udp://127.0.0.1:5353")]
    [InlineData("x=udp://127.0.0.1,127.0.0.2:53", "several addresses are only for SCTP", "udp://127.0.0.1:5353")]
    [InlineData("x=udp://::1:53", "must be in brackets", "udp://127.0.0.1:5353 or udp://[::1]:5353")]
    [InlineData("x=mptcp://127.0.0.1", "missing port", "mptcp://127.0.0.1:8080")]
    [InlineData("x=mptcp://127.0.0.1:80?reuseport=1", "unknown option 'reuseport' (only backlog)", "mptcp://127.0.0.1:8080")]
    public void A_malformed_new_kind_names_the_listener_what_is_wrong_and_the_form_to_write(string text, string what, string form)
    {
        var e = Assert.Throws<ListenerSpecException>(() => ListenerSpec.Parse(text));

        Assert.StartsWith($"listener 'x' ({text[2..]}): ", e.Message);
        Assert.Contains(what, e.Message);
        Assert.Contains("write it as " + form, e.Message);
    }

    [Fact]
    public void A_unix_path_longer_than_sun_path_is_refused()
    {
        string path = "/run/" + new string('a', 103) + ".sock";

        var e = Assert.Throws<ListenerSpecException>(() => ListenerSpec.Parse("x=unix://" + path));

        Assert.Contains("a unix socket path holds at most 107", e.Message);
    }
}
