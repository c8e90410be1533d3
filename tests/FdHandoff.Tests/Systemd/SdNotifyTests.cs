using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using FdHandoff.Interop;
using FdHandoff.Sockets;
using FdHandoff.Systemd;

namespace FdHandoff.Tests.Systemd;

public sealed class SdNotifyTests
{
    [Fact]
    public void Ready_reaches_the_notify_socket()
    {
        using var systemd = new NotifyReceiver();
        var notify = new SdNotify(systemd.Address);

        Assert.True(notify.Notify(NotifyState.Ready));

        Assert.Equal("READY=1", systemd.ReceiveText());
    }

    [Fact]
    public void An_abstract_notify_socket_is_reached_through_its_at_name()
    {
        using var systemd = new NotifyReceiver(abstractName: true);
        var notify = new SdNotify(systemd.Address);

        Assert.True(notify.Notify(NotifyState.Ready + NotifyState.Status("serving 2 listeners")));

        Assert.Equal("READY=1\nSTATUS=serving 2 listeners", systemd.ReceiveText());
    }

    [Fact]
    public void Without_NOTIFY_SOCKET_nothing_is_sent_and_the_answer_is_false()
    {
        var notify = new SdNotify(null);

        Assert.False(notify.IsEnabled);
        Assert.False(notify.Notify(NotifyState.Ready));
    }

    [Fact]
    public void A_listening_socket_goes_to_the_fd_store_with_its_name()
    {
        using var systemd = new NotifyReceiver();
        var notify = new SdNotify(systemd.Address);
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();

        Assert.True(notify.Notify(NotifyState.FdStore("http"), [listener.SafeHandle]));

        using var message = systemd.Receive();
        Assert.Equal("FDSTORE=1\nFDNAME=http", Encoding.UTF8.GetString(message.Data));
        var stored = Assert.Single(message.TakeDescriptors());
        using (stored)
        {
            Assert.Equal(TestDescriptors.Identity((int)listener.SafeHandle.DangerousGetHandle()), TestDescriptors.Identity(stored.Value));
            Assert.True(SocketProbe.IsListening(stored));
        }
        Assert.False(listener.SafeHandle.IsClosed); // the caller keeps its own copy
    }

    [Fact]
    public void A_failed_send_names_the_notify_socket()
    {
        string missing = Path.Combine(Path.GetTempPath(), "fdhandoff-no-systemd-" + Guid.NewGuid().ToString("N"));
        var notify = new SdNotify(missing);

        var error = Assert.Throws<NativeCallException>(() => notify.Notify(NotifyState.Ready));

        Assert.Equal(Libc.ENOENT, error.Errno);
        Assert.Contains("'READY=1'", error.Message);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Too_many_descriptors_are_refused_before_the_syscall()
    {
        using var systemd = new NotifyReceiver();
        var notify = new SdNotify(systemd.Address);
        using var one = new SafeFd(-1);
        var fds = Enumerable.Repeat<SafeHandle>(one, Libc.SCM_MAX_FD + 1).ToArray();

        var error = Assert.Throws<ArgumentException>(() => notify.Notify(NotifyState.FdStore("http"), fds));
        Assert.Contains("at most 253", error.Message);
    }

    [Fact]
    public void A_notify_socket_that_is_not_a_unix_address_is_rejected()
    {
        var error = Assert.Throws<SystemdEnvironmentException>(() => new SdNotify("vsock:2:1234"));
        Assert.Equal("NOTIFY_SOCKET", error.Variable);
    }
}
