using System.Net.Sockets;
using FdHandoff.Listeners;
using FdHandoff.Protocol;
using FdHandoff.Sockets;

namespace FdHandoff.Client;

/// <summary>
/// The worker's side of the hand-off: connect to the supervisor, say hello, receive the listeners
/// (as <see cref="Socket"/>s, by name), report ready, and learn when to drain.
/// <code>
/// using var handoff = HandoffClient.Connect();
/// // ... accept on handoff.Listeners["echo"].Socket ...
/// handoff.ReportReady();
/// await Task.Delay(Timeout.Infinite, handoff.DrainRequested);
/// </code>
/// </summary>
public sealed class HandoffClient : IDisposable
{
    /// <summary>How long a worker has to drain when the supervisor vanishes without saying.</summary>
    public static readonly TimeSpan OrphanDrainTime = TimeSpan.FromSeconds(10);

    /// <summary>Idle connections of an orphan are closed after this: nobody new will take the listeners over
    /// from it, so there is no reason to keep them.</summary>
    public static readonly TimeSpan OrphanCloseIdleAfter = TimeSpan.FromSeconds(1);

    private readonly SupervisorLink _link;
    private readonly ConnectionHandOverClient _connections;
    private readonly LoadReporter _load;
    private readonly string _token;
    private readonly TaskCompletionSource _readyReported = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _drain = new();
    private int _reportedReady;
    private int _openConnections;

    private HandoffClient(ControlChannel channel, string path, string token, TimeSpan orphanTimeout, int generation, int slot, IReadOnlyDictionary<string, HandedOffListener> listeners)
    {
        _token = token;
        _connections = new ConnectionHandOverClient(channel);
        _link = new SupervisorLink(this, channel, _connections, path, orphanTimeout);
        _load = new LoadReporter(() => _link.Channel, _link.Stopping);
        Generation = generation;
        Slot = slot;
        Listeners = listeners;
    }

    /// <summary>The generation this worker belongs to.</summary>
    public int Generation { get; }

    /// <summary>This worker's slot in its generation.</summary>
    public int Slot { get; }

    /// <summary>Every listener the supervisor handed over, by name.</summary>
    public IReadOnlyDictionary<string, HandedOffListener> Listeners { get; }

    /// <summary>Cancelled when the worker must drain: stop accepting, finish, exit before <see cref="DrainDeadline"/>.</summary>
    public CancellationToken DrainRequested => _drain.Token;

    /// <summary>When the supervisor will kill this worker; set when <see cref="DrainRequested"/> fires.</summary>
    public DateTimeOffset DrainDeadline { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>
    /// When idle keep-alive connections should be closed during the drain (until then a request on one is
    /// answered with Connection: close). Set with <see cref="DrainDeadline"/>; at most the deadline.
    /// </summary>
    public DateTimeOffset DrainCloseIdleAt { get; private set; } = DateTimeOffset.MaxValue;

    /// <summary>Why the drain was requested ("upgrade to generation 8", "supervisor gone").</summary>
    public string DrainReason { get; private set; } = "";

    /// <summary>Largest state <see cref="HandOverAsync"/> carries with a connection (16 KiB).</summary>
    public const int MaxStateBytes = ConnectionHandOver.MaxStateBytes;

    /// <summary>Connections this worker handed over and a successor took.</summary>
    public int ConnectionsHandedOver => _connections.HandedOver;

    /// <summary>Connections this worker tried to hand over and kept, because nobody could take them.</summary>
    public int ConnectionsKept => _connections.Kept;

    /// <summary>
    /// Hands an established connection to the next generation, with <paramref name="state"/> (at most
    /// <see cref="MaxStateBytes"/>: bytes read and not yet processed, counters, a session id...). Call it at a
    /// message boundary of your protocol once <see cref="DrainRequested"/> fired, after you stopped reading
    /// from the socket: no read may be pending on it. Returns true when a worker of the serving generation has
    /// taken the connection; this worker's socket is then closed (the connection lives on there). Returns false
    /// when nobody can take it (the supervisor is stopping, this worker's generation is the serving one, e.g. a
    /// slot restarted after a crash, or the supervisor is gone): the socket is still yours: close it gracefully.
    /// </summary>
    public async Task<bool> HandOverAsync(Socket connection, string listener, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) =>
        (await HandOverWithReasonAsync(connection, listener, state, cancellationToken).ConfigureAwait(false)).Taken;

    /// <summary>As <see cref="HandOverAsync"/>, with the supervisor's reason when the connection was not taken.</summary>
    public Task<(bool Taken, string Reason)> HandOverWithReasonAsync(Socket connection, string listener, ReadOnlyMemory<byte> state, CancellationToken cancellationToken = default) =>
        _connections.HandOverAsync(connection, listener, state, cancellationToken);

    /// <summary>
    /// Says that this worker takes established connections handed over from a retiring generation (then take
    /// them with <see cref="AcceptConnectionAsync"/>). Call it before <see cref="ReportReady"/>: a worker that
    /// had not said so when it reported ready is sent none.
    /// </summary>
    public void TakeHandedOverConnections() => _connections.Accepting = true;

    /// <summary>
    /// Waits for the next established connection handed over from a retiring worker, for as long as this worker
    /// lives (implies <see cref="TakeHandedOverConnections"/>, which must have been called before ready). Taking it tells the supervisor this worker has it; until then the supervisor keeps a copy and gives
    /// the connection to another worker if this one dies. Throws <see cref="System.Threading.Channels.ChannelClosedException"/>
    /// once the control connection has closed.
    /// </summary>
    public ValueTask<HandedOverConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default) =>
        _connections.AcceptAsync(cancellationToken);

    /// <summary>
    /// Tells the supervisor how many connections this worker has open, for <c>fdhandoff status</c>. Cheap to
    /// call on every change: at most one report leaves every 250 ms, with the latest count.
    /// </summary>
    public void ReportConnections(int open)
    {
        Volatile.Write(ref _openConnections, open);
        _load.Report(open);
    }

    /// <summary>True while the supervisor is gone and no other has adopted this worker yet (it serves on meanwhile).</summary>
    public bool IsOrphan => _link.IsOrphan;

    /// <summary>
    /// The supervisor vanished without a drain (killed, crashed): this worker serves on and tries to reattach to the
    /// next one at the same control socket for the given time (<c>Workers:OrphanTimeout</c>), then drains. For a log line.
    /// </summary>
    public event Action<string, TimeSpan>? SupervisorLost;

    /// <summary>The supervisor of the given pid adopted this worker after its own supervisor vanished. For a log line.</summary>
    public event Action<int>? Reattached;

    /// <summary>
    /// Connects to the supervisor named by the environment and receives every listener.
    /// Throws <see cref="HandoffException"/> when not started by a supervisor or when the hand-off fails.
    /// </summary>
    public static HandoffClient Connect(TimeSpan? timeout = null)
    {
        string path = Environment.GetEnvironmentVariable(HandoffEnvironment.Socket)
            ?? throw new HandoffException($"{HandoffEnvironment.Socket} is not set: this worker must be started by the fdhandoff supervisor");
        string token = Environment.GetEnvironmentVariable(HandoffEnvironment.Token) ?? "";
        int generation = int.TryParse(Environment.GetEnvironmentVariable(HandoffEnvironment.Generation), out int g) ? g : 0;
        int slot = int.TryParse(Environment.GetEnvironmentVariable(HandoffEnvironment.Slot), out int s) ? s : 0;
        // The token is for this process only: children of the worker must not inherit it.
        Environment.SetEnvironmentVariable(HandoffEnvironment.Token, null);
        return Connect(path, token, generation, slot, timeout ?? TimeSpan.FromSeconds(10), SupervisorLink.OrphanTimeoutFromEnvironment());
    }

    internal static HandoffClient Connect(string path, string token, int generation, int slot, TimeSpan timeout, TimeSpan orphanTimeout)
    {
        ControlChannel channel;
        try
        {
            channel = ControlChannel.Connect(path);
        }
        catch (ControlSocketUnreachableException e)
        {
            throw new HandoffException(e.Message, e);
        }

        var listeners = new Dictionary<string, HandedOffListener>(StringComparer.Ordinal);
        try
        {
            channel.Send(new HelloMessage(Environment.ProcessId, generation, token));
            ListenerReceiver.Receive(channel, listeners, timeout);
            var client = new HandoffClient(channel, path, token, orphanTimeout, generation, slot, listeners);
            client._link.Start();
            return client;
        }
        catch (Exception e)
        {
            foreach (var l in listeners.Values) l.Socket.Dispose();
            channel.Dispose();
            if (e is HandoffException) throw;
            throw new HandoffException($"hand-off from the supervisor at {path} failed: {e.Message}", e);
        }
    }

    // Null when the application marked none: an application that does not say is not warned about.
    private List<string>? ServedListeners()
    {
        var served = Listeners.Values.Where(l => l.Served).Select(l => l.Name).ToList();
        return served.Count == 0 ? null : served;
    }

    /// <summary>Tells the supervisor this worker serves on every listener. Idempotent.</summary>
    public void ReportReady()
    {
        if (Interlocked.Exchange(ref _reportedReady, 1) != 0) return;
        try
        {
            _link.Channel.Send(new ReadyMessage(Environment.ProcessId, _connections.Accepting, ServedListeners()));
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The supervisor is gone (its link may not have seen the end yet): the link reattaches, saying "ready"
            // to the next one, or drains this worker.
        }
        _readyReported.TrySetResult();
    }

    /// <summary>
    /// Completes once <see cref="ReportReady"/> has told the supervisor (with the ASP.NET Core integration: after the
    /// warm-up, not at the app's start): for work that must not begin before this worker is part of the serving
    /// generation's count. Anything sent on the control socket after it reaches the supervisor after the Ready.
    /// </summary>
    public Task ReadyReported => _readyReported.Task;

    /// <summary>Tells the supervisor this worker has drained and exits now. Best effort.</summary>
    public void SayBye()
    {
        try { _link.Channel.Send(new ByeMessage(Environment.ProcessId)); }
        catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    /// <summary>What this worker tells a supervisor that may adopt it: who it is and where it stands now.</summary>
    internal ReattachMessage DescribeForReattach() => new(
        Environment.ProcessId, Generation, Slot, _token,
        _drain.IsCancellationRequested ? "draining" : Volatile.Read(ref _reportedReady) != 0 ? "ready" : "handed-off",
        _connections.Accepting, ServedListeners(), Volatile.Read(ref _openConnections),
        [.. Listeners.Keys], _connections.Unanswered(), _connections.Received());

    internal void OnSupervisorLost(string why, TimeSpan orphanTimeout) => SupervisorLost?.Invoke(why, orphanTimeout);

    internal void OnReattached(int supervisorPid) => Reattached?.Invoke(supervisorPid);

    internal void RequestDrain(TimeSpan within, string reason, TimeSpan closeIdleAfter)
    {
        if (_drain.IsCancellationRequested) return;
        var now = DateTimeOffset.UtcNow;
        DrainDeadline = now + within;
        DrainCloseIdleAt = now + (closeIdleAfter < within ? closeIdleAfter : within);
        DrainReason = reason;
        _drain.Cancel();
    }

    /// <summary>Closes the control connection and this process's copies of the listeners.</summary>
    public void Dispose()
    {
        _link.Dispose();
        _connections.Dispose();
        foreach (var l in Listeners.Values) l.Socket.Dispose();
        _drain.Dispose();
    }
}
