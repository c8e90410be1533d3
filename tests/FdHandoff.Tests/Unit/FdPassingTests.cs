using System.Net;
using System.Net.Sockets;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit;

/// <summary>SCM_RIGHTS for real, between two sockets of this process.</summary>
[Collection(nameof(SerialCollection))]
public sealed class FdPassingTests
{
    private static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;

    [Fact]
    public void A_listening_socket_passed_over_the_channel_accepts_in_the_receiver()
    {
        using var pair = new SeqpacketPair();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();

        pair.Server.Send(new ReadyMessage(1), [(int)listener.Handle]);
        using var frame = pair.Client.Receive(TimeSpan.FromSeconds(5))!;
        var fd = Assert.Single(frame.TakeDescriptors());
        using var received = new Socket(new SafeSocketHandle(fd.Release(), ownsHandle: true));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using var accepted = received.Accept();

        Assert.NotEqual((int)listener.Handle, (int)received.Handle); // a new descriptor for the same socket
        Assert.Equal(listener.LocalEndPoint, received.LocalEndPoint);
        Assert.True(SocketProbe.IsCloseOnExec((int)received.Handle));
        Assert.Equal(6, SocketProbe.Protocol(received.SafeHandle));
        Assert.True(SocketProbe.IsListening(received.SafeHandle));
    }

    [Fact]
    public void A_thousand_descriptors_pass_in_batches_of_253_and_all_arrive_cloexec()
    {
        using var pair = new SeqpacketPair();
        using var donor = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var fds = Enumerable.Repeat((int)donor.Handle, 1000).ToArray();
        var received = new List<SafeFd>();
        try
        {
            for (int i = 0; i < fds.Length; i += FdPassing.MaxDescriptorsPerMessage)
            {
                var batch = fds.AsSpan(i, Math.Min(FdPassing.MaxDescriptorsPerMessage, fds.Length - i));
                pair.Server.Send(new ReadyMessage(i), batch);
                using var frame = pair.Client.Receive(TimeSpan.FromSeconds(5))!;
                received.AddRange(frame.TakeDescriptors());
            }

            Assert.Equal(1000, received.Count);
            Assert.All(received, fd => Assert.True(SocketProbe.IsCloseOnExec(fd.Value)));
        }
        finally
        {
            foreach (var fd in received) fd.Dispose();
        }
    }

    [Fact]
    public void More_than_253_descriptors_in_one_message_is_refused_before_the_syscall()
    {
        using var pair = new SeqpacketPair();
        var e = Assert.Throws<ArgumentException>(() => pair.Server.Send(new ReadyMessage(1), new int[254]));
        Assert.Contains("254 descriptors in one message, the kernel takes at most 253", e.Message);
    }

    [Fact]
    public void Descriptors_nobody_takes_are_closed_with_the_frame()
    {
        using var pair = new SeqpacketPair();
        using var donor = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        int before = OpenFdCount();

        pair.Server.Send(new ReadyMessage(1), [(int)donor.Handle, (int)donor.Handle, (int)donor.Handle]);
        var frame = pair.Client.Receive(TimeSpan.FromSeconds(5))!;
        int whileHeld = OpenFdCount();
        frame.Dispose();

        Assert.Equal(before + 3, whileHeld);
        Assert.Equal(before, OpenFdCount());
    }

    [Fact]
    public void A_header_that_declares_fewer_descriptors_than_arrived_is_refused_and_all_are_closed()
    {
        using var pair = new SeqpacketPair();
        using var donor = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        int before = OpenFdCount();
        var data = new byte[ControlHeader.Size + 2];
        new ControlHeader(ControlHeader.CurrentVersion, MessageKind.Ready, 0, 2).Write(data);
        "{}"u8.CopyTo(data.AsSpan(ControlHeader.Size));

        pair.Server.SendDatagram(data, [(int)donor.Handle, (int)donor.Handle], "send a lying header");
        var e = Assert.Throws<ProtocolException>(() => pair.Client.Receive(TimeSpan.FromSeconds(5)));

        Assert.Contains("Ready says 0 descriptors, 2 arrived", e.Message);
        Assert.Equal(before, OpenFdCount());
    }

    [Fact]
    public void An_oversized_message_is_refused_as_such()
    {
        using var pair = new SeqpacketPair();
        var data = new byte[ControlHeader.MaxMessageSize + 100];
        new ControlHeader(ControlHeader.CurrentVersion, MessageKind.Ready, 0, (uint)(data.Length - ControlHeader.Size)).Write(data);

        pair.Server.SendDatagram(data, [], "send an oversized message");
        var e = Assert.Throws<ProtocolException>(() => pair.Client.Receive(TimeSpan.FromSeconds(5)));

        Assert.Contains("larger than 65536 bytes", e.Message);
    }

    [Fact]
    public void End_of_stream_reads_as_null()
    {
        using var pair = new SeqpacketPair();
        pair.ServerSocket.Shutdown(SocketShutdown.Both);
        Assert.Null(pair.Client.Receive(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Async_receive_waits_for_the_next_message_without_consuming_it_early()
    {
        using var pair = new SeqpacketPair();
        var receiving = pair.Client.ReceiveAsync(CancellationToken.None);
        Assert.False(receiving.IsCompleted);

        pair.Server.Send(new DrainMessage(1234, "test"));
        using var frame = (await receiving)!;

        Assert.Equal(1234, frame.Read<DrainMessage>().DeadlineMs);
    }

    [Fact]
    public void A_payload_of_the_wrong_kind_is_refused()
    {
        using var pair = new SeqpacketPair();
        pair.Server.Send(new ReadyMessage(1));
        using var frame = pair.Client.Receive(TimeSpan.FromSeconds(5))!;
        Assert.Equal("expected Hello, got Ready", Assert.Throws<ProtocolException>(() => frame.Read<HelloMessage>()).Message);
    }
}
