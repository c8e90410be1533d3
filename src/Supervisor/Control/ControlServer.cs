using System.Net.Sockets;
using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Serves the AF_UNIX SOCK_SEQPACKET control socket (mode 0600 in a private runtime directory).
/// The first message of a connection says who it is: a worker's Hello goes to the <see cref="ListenerHandoff"/>, which checks
/// it; admin requests (upgrade, status) need the supervisor's own uid, root, or the ControlSocketGroup.
/// </summary>
internal sealed class ControlServer(
    SupervisorSettings settings,
    ControlSocketFile socketFile,
    ListenerHandoff handoff,
    AdminRequestHandler admin,
    Metrics.SupervisorMetrics metrics,
    ILogger<ControlServer> logger) : BackgroundService
{
    private Socket? _listener;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = socketFile.Bind(settings.ControlSocketPath, settings.ControlSocketGroup);
        SupervisorLog.ControlSocketListening(logger, settings.ControlSocketPath);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener!.AcceptAsync(stoppingToken).ConfigureAwait(false);
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
            using var firstWait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            firstWait.CancelAfter(settings.FirstMessageTimeout);
            ControlFrame? first;
            try
            {
                first = await channel.ReceiveAsync(firstWait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, $"sent nothing for {settings.FirstMessageTimeout.TotalSeconds:0} s");
                metrics.ControlRefused("sent nothing");
                return;
            }
            if (first is null) return;
            using (first)
            {
                switch (first.Kind)
                {
                    case MessageKind.Hello when first.DescriptorCount == 0:
                        // Read before handing over: a Hello that does not parse leaves the channel ours to close.
                        var hello = first.Read<HelloMessage>();
                        handedOver = true;
                        await handoff.AttachAsync(channel, peer, hello).ConfigureAwait(false);
                        return;
                    case MessageKind.UpgradeRequest or MessageKind.StatusRequest when first.DescriptorCount == 0:
                        await admin.HandleAsync(channel, peer, first).ConfigureAwait(false);
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

    private void Refuse(ControlChannel channel, PeerCredentials peer, string why)
    {
        SupervisorLog.ConnectionRefused(logger, peer.Pid, peer.Uid, why);
        metrics.ControlRefused(why);
        try { channel.Send(new ErrorMessage(why)); } catch (Exception e) when (e is IOException or ObjectDisposedException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _listener?.Dispose();
        socketFile.Remove(settings.ControlSocketPath);
    }
}
