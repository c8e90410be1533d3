using System.Net.Sockets;
using System.Text;
using FdHandoff.Sockets;

namespace FdHandoff.Tests.Unit;

/// <summary>The notify socket's receive: who sent a datagram, as the kernel says, and nothing kept that was not asked for.</summary>
public sealed class CredentialDatagramsTests
{
    [Fact]
    public void A_datagram_carries_the_senders_pid_uid_and_gid_as_the_kernel_saw_them()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "notify.sock");
        using var receiver = CredentialDatagrams.Bind(path);
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo("READY=1"u8.ToArray(), new UnixDomainSocketEndPoint(path));

        var buffer = new byte[4097];
        Assert.True(Readiness.WaitReadable(receiver, TimeSpan.FromSeconds(5)));
        var datagram = Assert.NotNull(CredentialDatagrams.TryReceive(receiver, buffer));

        Assert.Equal("READY=1", Encoding.ASCII.GetString(buffer, 0, datagram.Length));
        var who = Assert.NotNull(datagram.Sender);
        Assert.Equal(Environment.ProcessId, who.Pid);
        Assert.False(datagram.Truncated);
        Assert.Null(CredentialDatagrams.TryReceive(receiver, buffer));
    }

    [Fact]
    public void A_datagram_longer_than_the_buffer_is_reported_truncated()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "notify.sock");
        using var receiver = CredentialDatagrams.Bind(path);
        using var sender = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        sender.SendTo(new byte[10_000], new UnixDomainSocketEndPoint(path));

        Assert.True(Readiness.WaitReadable(receiver, TimeSpan.FromSeconds(5)));
        var datagram = Assert.NotNull(CredentialDatagrams.TryReceive(receiver, new byte[4097]));

        Assert.True(datagram.Truncated);
        Assert.Equal(4097, datagram.Length);
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("fdh-cred-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
