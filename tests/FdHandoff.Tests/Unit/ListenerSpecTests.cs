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
    public void Formats_as_it_parses(string text) => Assert.Equal(text, ListenerSpec.Parse(text).ToString());

    [Theory]
    [InlineData("tcp://127.0.0.1:8080", "has no name")]
    [InlineData("we b=tcp://127.0.0.1:8080", "name 'we b' is not valid")]
    [InlineData("x=127.0.0.1:8080", "missing scheme")]
    [InlineData("x=udp://127.0.0.1:53", "unknown scheme 'udp'")]
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
}
