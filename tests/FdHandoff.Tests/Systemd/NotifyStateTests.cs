using FdHandoff.Systemd;

namespace FdHandoff.Tests.Systemd;

public sealed class NotifyStateTests
{
    [Fact]
    public void States_combine_into_one_message_of_lines()
    {
        var state = NotifyState.Reloading + NotifyState.Status("reloading\nconfiguration") + NotifyState.MainPid(4242);

        Assert.Equal("RELOADING=1\nSTATUS=reloading configuration\nMAINPID=4242", state.ToString());
    }

    [Fact]
    public void Fd_store_names_systemd_would_reject_are_refused()
    {
        Assert.Equal("FDSTORE=1\nFDNAME=http", NotifyState.FdStore("http").ToString());
        Assert.Equal("FDSTOREREMOVE=1\nFDNAME=http", NotifyState.FdStoreRemove("http").ToString());
        Assert.Throws<ArgumentException>(() => NotifyState.FdStore("a:b"));
        Assert.Throws<ArgumentException>(() => NotifyState.FdStore(""));
        Assert.Throws<ArgumentException>(() => NotifyState.FdStore(new string('x', 256)));
        Assert.Throws<ArgumentException>(() => NotifyState.FdStore("tab\there"));
    }
}
