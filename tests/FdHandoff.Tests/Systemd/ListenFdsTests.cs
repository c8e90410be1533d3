using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using FdHandoff.Systemd;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Systemd;

[Collection(nameof(SerialCollection))]
public sealed class ListenFdsTests
{
    [Fact]
    public void Names_come_from_LISTEN_FDNAMES_in_order() =>
        Assert.Equal(["http", "https", "admin"], ListenFds.Parse("100", "3", "http:https:admin", ourPid: 100));

    [Fact]
    public void Descriptors_without_names_are_called_unknown() =>
        Assert.Equal(["unknown", "unknown"], ListenFds.Parse("100", "2", null, ourPid: 100));

    [Fact]
    public void Descriptors_meant_for_another_process_are_left_alone() =>
        Assert.Empty(ListenFds.Parse("99", "2", "http:https", ourPid: 100));

    [Theory]
    [InlineData(null, "2")]
    [InlineData("100", null)]
    [InlineData("100", "0")]
    public void Nothing_passed_means_no_descriptors(string? pid, string? count) =>
        Assert.Empty(ListenFds.Parse(pid, count, null, ourPid: 100));

    [Theory]
    [InlineData("self", "1", null, "LISTEN_PID")]
    [InlineData("100", "-1", null, "LISTEN_FDS")]
    [InlineData("100", "two", null, "LISTEN_FDS")]
    [InlineData("100", "2", "http", "LISTEN_FDNAMES")]
    [InlineData("100", "1", "http:https", "LISTEN_FDNAMES")]
    public void Values_systemd_would_not_write_are_refused(string pid, string count, string? names, string variable)
    {
        var error = Assert.Throws<SystemdEnvironmentException>(() => ListenFds.Parse(pid, count, names, ourPid: 100));
        Assert.Equal(variable, error.Variable);
    }

    [Fact]
    public void Passed_descriptors_are_adopted_with_their_names_and_made_close_on_exec()
    {
        using var http = Listen();
        using var admin = Listen();
        int first = TestDescriptors.DuplicateConsecutively(http.SafeHandle, admin.SafeHandle);
        Assert.False(SocketProbe.IsCloseOnExec(first)); // as systemd hands them over

        var adopted = ListenFds.Take("100", "2", "http:admin", ourPid: 100, firstFd: first);
        try
        {
            Assert.Equal(["http", "admin"], adopted.Select(a => a.Name));
            Assert.Equal([first, first + 1], adopted.Select(a => a.Fd.Value));
            Assert.All(adopted, a => Assert.True(SocketProbe.IsCloseOnExec(a.Fd.Value)));
            Assert.Equal(TestDescriptors.Identity((int)http.SafeHandle.DangerousGetHandle()), TestDescriptors.Identity(first));
            Assert.True(SocketProbe.IsListening(adopted[1].Fd));
        }
        finally
        {
            foreach (var a in adopted) a.Dispose();
        }
        Assert.False(TestDescriptors.IsOpen(first)); // adopted means owned: disposing closed them
    }

    [Fact]
    public void A_descriptor_that_is_not_open_is_reported_and_none_is_adopted()
    {
        using var http = Listen();
        int first = TestDescriptors.DuplicateConsecutively(http.SafeHandle);
        try
        {
            // The variables promise two descriptors; only the first exists.
            var error = Assert.Throws<NativeCallException>(() => ListenFds.Take("100", "2", "http:gone", ourPid: 100, firstFd: first));
            Assert.Equal(Libc.EBADF, error.Errno);
            Assert.Contains("gone", error.Message);
            Assert.True(TestDescriptors.IsOpen(first)); // not closed: nothing was adopted
        }
        finally
        {
            new SafeFd(first).Dispose();
        }
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        socket.Listen();
        return socket;
    }
}
