using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using FdHandoff.Sockets;

namespace FdHandoff.Protocol;

/// <summary>
/// One connected AF_UNIX SOCK_SEQPACKET control connection: each datagram is one message and keeps
/// its descriptors. Owns its socket. Sending is thread-safe; receiving is for one reader at a time.
/// </summary>
internal sealed class ControlChannel : IDisposable
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket _socket;
    private readonly Lock _sendLock = new();

    // Reused for every datagram: there is one reader at a time, and each frame keeps a copy of its own bytes.
    private readonly byte[] _receiveBuffer = new byte[ControlHeader.MaxMessageSize];

    /// <summary>Wraps a connected SEQPACKET socket and takes ownership of it.</summary>
    public ControlChannel(Socket socket, string peer)
    {
        _socket = socket;
        Peer = peer;
    }

    /// <summary>Who is at the other end, for messages ("worker 4242 (generation 7)").</summary>
    public string Peer { get; set; }

    /// <summary>The socket's handle, still owned by this channel (the launcher copies it out of the way of fd 3..).</summary>
    internal SafeHandle Handle => _socket.SafeHandle;

    /// <summary>The peer's pid and uid as the kernel recorded them at connect (SO_PEERCRED).</summary>
    public PeerCredentials PeerCredentials => PeerCredentials.Of(_socket);

    /// <summary>The peer's supplementary groups as the kernel recorded them at connect (SO_PEERGROUPS).</summary>
    public uint[] PeerGroups => PeerCredentials.GroupsOf(_socket);

    /// <summary>Connects to a control socket; a clear <see cref="ControlSocketUnreachableException"/> if nothing is there.</summary>
    public static ControlChannel Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Seqpacket, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return new ControlChannel(socket, $"supervisor at {path}");
        }
        catch (SocketException e)
        {
            socket.Dispose();
            string why = e.SocketErrorCode switch
            {
                SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no such socket",
                SocketError.ConnectionRefused => "nothing listens there (is the supervisor running?)",
                SocketError.AccessDenied => "permission denied (run as the supervisor's user or root)",
                _ => e.Message,
            };
            if (!File.Exists(path)) why = "no such socket (is the supervisor running? is --control-socket right?)";
            throw new ControlSocketUnreachableException($"cannot reach the control socket {path}: {why}", e);
        }
    }

    /// <summary>Sends one message with <paramref name="fds"/> attached; the caller keeps its descriptors.</summary>
    public void Send<T>(T message, ReadOnlySpan<int> fds = default) where T : IControlMessage<T>
    {
        byte[] payload = JsonSerializer.SerializeToUtf8Bytes(message, T.JsonInfo);
        SendRaw(T.Kind, payload, fds);
    }

    /// <summary>Sends a message built by hand (tests and fuzzing use it to send what a peer should not).</summary>
    internal void SendRaw(MessageKind kind, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds)
    {
        int size = ControlHeader.Size + payload.Length;
        if (size > ControlHeader.MaxMessageSize)
            throw new ProtocolException($"{kind} to {Peer} would be {size} bytes, more than {ControlHeader.MaxMessageSize}");
        var data = new byte[size];
        new ControlHeader(ControlHeader.CurrentVersion, kind, (ushort)fds.Length, (uint)payload.Length).Write(data);
        payload.CopyTo(data.AsSpan(ControlHeader.Size));
        SendDatagram(data, fds, $"send {kind} to {Peer}");
    }

    /// <summary>Sends raw bytes as one datagram, header or not.</summary>
    internal void SendDatagram(ReadOnlySpan<byte> data, ReadOnlySpan<int> fds, string attempted)
    {
        lock (_sendLock)
        {
            var deadline = DateTime.UtcNow + SendTimeout;
            while (!FdPassing.TrySend(_socket, data, fds, attempted))
            {
                // The peer is not reading; wait a little for room rather than block forever.
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Readiness.WaitWritable(_socket, left))
                    throw new IOException($"Failed to {attempted}: the peer has not read its messages for {SendTimeout.TotalSeconds:0} s");
            }
        }
    }

    /// <summary>Waits for the next message; null when the peer closed the connection.</summary>
    public async ValueTask<ControlFrame?> ReceiveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // A message already queued is taken at once: under a burst (a thousand connections handed over)
        // that saves a wait and a system call per message.
        var queued = TryReceive();
        if (queued.HasValue) return queued.Value.Frame;
        while (true)
        {
            // A zero-byte MSG_PEEK waits for the next datagram without consuming it; recvmsg then takes
            // it whole with its descriptors. (Socket's own receive cannot carry SCM_RIGHTS.)
            await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            var frame = TryReceive();
            if (frame.HasValue) return frame.Value.Frame;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the next message; null when the peer closed.</summary>
    public ControlFrame? Receive(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left < TimeSpan.Zero || !Readiness.WaitReadable(_socket, left))
                throw new TimeoutException($"{Peer} sent nothing for {timeout.TotalSeconds:0.#} s");
            var frame = TryReceive();
            if (frame.HasValue) return frame.Value.Frame;
        }
    }

    // (null frame = end of stream) or no value = nothing queued after all.
    private (ControlFrame? Frame, bool _)? TryReceive()
    {
        var datagram = FdPassing.TryReceive(_socket, _receiveBuffer, $"receive from {Peer}");
        if (datagram is null) return null;
        if (datagram.Data.Length == 0 && datagram.DescriptorCount == 0)
        {
            datagram.Dispose();
            return (null, false);
        }
        return (ControlFrame.Parse(datagram), false);
    }

    /// <summary>Closes the connection; the peer sees end of stream.</summary>
    public void Dispose() => _socket.Dispose();
}
