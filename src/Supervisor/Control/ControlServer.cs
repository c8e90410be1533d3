using System.Net.Sockets;
using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Resilience;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Serves the AF_UNIX SOCK_SEQPACKET control socket (mode 0600 in a private runtime directory).
/// The first message of a connection says who it is: a worker's Hello goes to the <see cref="ListenerHandoff"/>, which checks
/// it; admin requests (upgrade, status, reexec) need the supervisor's own uid, root, or the ControlSocketGroup.
/// Paused (<see cref="ControlPlanePause"/>) it accepts nothing and reads no first message: connections wait in the
/// socket's backlog, and the ones accepted but not read yet are kept (<see cref="ControlListener"/>) for the next image.
/// After a re-exec it takes the socket and those connections over from the previous image (<see cref="RestoredImage"/>).
/// </summary>
internal sealed class ControlServer(
    SupervisorSettings settings,
    ControlSocketFile socketFile,
    ListenerHandoff handoff,
    AdminRequestHandler admin,
    ControlListener listener,
    ControlPlanePause pause,
    RestoredImage restored,
    Metrics.SupervisorMetrics metrics,
    ILogger<ControlServer> logger) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (restored.Take("control") is { } kept)
        {
            listener.Hold(new Socket(new SafeSocketHandle(kept.Release(), ownsHandle: true)));
            SupervisorLog.ControlSocketKept(logger, settings.ControlSocketPath);
            foreach (string name in restored.Names("client:"))
                _ = ServeAsync(new ControlChannel(new Socket(new SafeSocketHandle(restored.Take(name)!.Release(), ownsHandle: true)), "control connection"), cancellationToken);
        }
        else if (!listener.IsHeld)
        {
            listener.Hold(socketFile.Bind(settings.ControlSocketPath, settings.ControlSocketGroup));
            SupervisorLog.ControlSocketListening(logger, settings.ControlSocketPath);
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var round = AcceptUntilPausedAsync(stoppingToken);
            pause.Track(round);
            await round.ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested) return;
            // Paused: wait to be resumed (a re-exec that did not happen), or for the image to be replaced.
            await pause.WaitResumedAsync(stoppingToken).ConfigureAwait(false);
            if (stoppingToken.IsCancellationRequested) return;
            foreach (var channel in listener.TakeUnread()) _ = ServeAsync(channel, stoppingToken);
        }
    }

    private async Task AcceptUntilPausedAsync(CancellationToken stoppingToken)
    {
        using var acceptWhile = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, pause.Token);
        while (true)
        {
            Socket connection;
            try
            {
                connection = await listener.Socket.AcceptAsync(acceptWhile.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                SupervisorLog.ControlAcceptFailed(logger, e.Message);
                continue;
            }
            _ = ServeAsync(new ControlChannel(connection, "control connection"), stoppingToken);
        }
    }

    private async Task ServeAsync(ControlChannel channel, CancellationToken stoppingToken)
    {
        bool handedOver = false;
        PeerCredentials peer = default;
        try
        {
            peer = channel.PeerCredentials;
            channel.Peer = $"control connection from {peer}";
            var reading = ReadFirstAsync(channel, peer, stoppingToken);
            pause.Track(reading);
            var (first, kept) = await reading.ConfigureAwait(false);
            handedOver = kept;
            if (first is null) return;
            using (first)
            {
                switch (first.Kind)
                {
                    case MessageKind.Hello when first.DescriptorCount == 0:
                        // Read before handing over: a Hello that does not parse leaves the channel ours to close.
                        var hello = first.Read<HelloMessage>();
                        handedOver = true;
                        handoff.Attach(channel, peer, hello);
                        return;
                    case MessageKind.UpgradeRequest or MessageKind.StatusRequest or MessageKind.ReexecRequest when first.DescriptorCount == 0:
                        handedOver = true; // the admin handler closes it once answered, or passes it to the next image
                        await admin.HandleAsync(channel, peer, first).ConfigureAwait(false);
                        return;
                    case MessageKind.Reattach:
                        // Its supervisor died and this one did not start from that one's state (none was left, or it
                        // started after the adoption window): nobody here knows it. It drains on its own.
                        Refuse(channel, peer, "this supervisor is not adopting workers (it did not start from a dead supervisor's state, or its adoption window is over): drain and exit");
                        return;
                    default:
                        Refuse(channel, peer, $"unexpected first message {first.Kind} with {first.DescriptorCount} descriptors");
                        return;
                }
            }
        }
        catch (ProtocolException e)
        {
            Refuse(channel, peer, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            SupervisorLog.ControlConnectionFailed(logger, peer.Pid, e.Message);
        }
        finally
        {
            if (!handedOver) channel.Dispose();
        }
    }

    /// <summary>The first message; or null and true when the control plane paused first (the channel is kept for the next image).</summary>
    private async Task<(ControlFrame? First, bool Kept)> ReadFirstAsync(ControlChannel channel, PeerCredentials peer, CancellationToken stoppingToken)
    {
        var pauseToken = pause.Token;
        using var firstWait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, pauseToken);
        firstWait.CancelAfter(settings.FirstMessageTimeout);
        try
        {
            return (await channel.ReceiveAsync(firstWait.Token).ConfigureAwait(false), false);
        }
        catch (OperationCanceledException) when (pauseToken.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            listener.KeepUnread(channel);
            return (null, true);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, $"sent nothing for {settings.FirstMessageTimeout.TotalSeconds:0} s");
            metrics.ControlRefused("sent nothing");
            return (null, false);
        }
    }

    private void Refuse(ControlChannel channel, PeerCredentials peer, string why)
    {
        SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, why);
        metrics.ControlRefused(why);
        try { channel.Send(new ErrorMessage(why)); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        listener.Dispose();
        socketFile.Remove(settings.ControlSocketPath);
    }
}
