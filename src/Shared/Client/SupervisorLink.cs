using System.Net.Sockets;
using FdHandoff.Protocol;

namespace FdHandoff.Client;

/// <summary>
/// The worker's link to its supervisor, across that supervisor's death. Reads what the supervisor sends and gives
/// each message to its owner (a drain to <see cref="HandoffClient"/>, hand-over answers and connections to
/// <see cref="ConnectionHandOverClient"/>). When the control connection ends, the worker is an orphan: it serves
/// on, with its listeners and connections, while <see cref="Reattachment"/> looks for the next supervisor at the
/// same path for up to the orphan timeout (<see cref="HandoffEnvironment.OrphanTimeout"/>, from
/// <c>Workers:OrphanTimeout</c>); adopted, the link goes on on the new channel; refused or not adopted in time,
/// the worker drains on its own (<see cref="HandoffClient.OrphanDrainTime"/>). A timeout of 0: drain at once.
/// Ownership: the current channel is the link's (the previous one is closed when another replaces it).
/// </summary>
internal sealed class SupervisorLink : IDisposable
{
    private readonly HandoffClient _client;
    private readonly ConnectionHandOverClient _connections;
    private readonly string _path;
    private readonly TimeSpan _orphanTimeout;
    private readonly CancellationTokenSource _stop = new();
    private volatile ControlChannel _channel;
    private volatile bool _orphan;
    private Task _loop = Task.CompletedTask;

    public SupervisorLink(HandoffClient client, ControlChannel channel, ConnectionHandOverClient connections, string path, TimeSpan orphanTimeout)
    {
        _client = client;
        _channel = channel;
        _connections = connections;
        _path = path;
        _orphanTimeout = orphanTimeout;
    }

    /// <summary>The control channel to the supervisor of now (the adopter's after a reattach).</summary>
    public ControlChannel Channel => _channel;

    /// <summary>Cancelled when the worker closes the link.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>True while the supervisor is gone and no other has adopted this worker yet.</summary>
    public bool IsOrphan => _orphan;

    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>The orphan timeout a spawner gave in the environment; 1 minute when absent or unreadable.</summary>
    public static TimeSpan OrphanTimeoutFromEnvironment() =>
        long.TryParse(Environment.GetEnvironmentVariable(HandoffEnvironment.OrphanTimeout), out long ms) && ms >= 0
            ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMinutes(1);

    private async Task RunAsync()
    {
        while (await ReadUntilLostAsync(_channel).ConfigureAwait(false) is { } lost)
        {
            _connections.Suspend(lost);
            if (_orphanTimeout <= TimeSpan.Zero)
            {
                GiveUp(lost);
                return;
            }
            _orphan = true;
            _client.OnSupervisorLost(lost, _orphanTimeout);
            var (adopter, pid, why) = await Reattachment.TryAsync(_path, _client.DescribeForReattach, [.. _client.Listeners.Values.Select(l => l.Socket)], _orphanTimeout, _stop.Token).ConfigureAwait(false);
            if (adopter is null)
            {
                if (!_stop.IsCancellationRequested) GiveUp($"{lost}; {why}");
                return;
            }
            var previous = _channel;
            _channel = adopter;
            previous.Dispose();
            _orphan = false;
            _connections.Resume(adopter);
            _client.OnReattached(pid);
        }
    }

    /// <summary>Reads <paramref name="channel"/> until it ends: why it ended, or null when the link was closed.</summary>
    private async Task<string?> ReadUntilLostAsync(ControlChannel channel)
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var frame = await channel.ReceiveAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null) return "the supervisor is gone (control connection closed)";
                switch (frame.Kind)
                {
                    case MessageKind.Drain:
                        var drain = frame.Read<DrainMessage>();
                        var within = TimeSpan.FromMilliseconds(drain.DeadlineMs);
                        _client.RequestDrain(within, drain.Reason, drain.CloseIdleAfterMs > 0 ? TimeSpan.FromMilliseconds(drain.CloseIdleAfterMs) : within);
                        break;
                    case MessageKind.HandOverResult:
                        _connections.OnResult(frame.Read<HandOverResultMessage>());
                        break;
                    case MessageKind.Connection:
                        _connections.OnConnection(frame);
                        break;
                }
            }
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or ProtocolException)
        {
            return _stop.IsCancellationRequested ? null : $"control connection failed: {e.Message}";
        }
    }

    // No supervisor will say when: drain on our own rather than hold the sockets forever.
    private void GiveUp(string why)
    {
        _orphan = false;
        _connections.OnClosed(why);
        _client.RequestDrain(HandoffClient.OrphanDrainTime, "supervisor gone: " + why, HandoffClient.OrphanCloseIdleAfter);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(1)); } catch (AggregateException) { }
        _channel.Dispose();
        _stop.Dispose();
    }
}
