using System.Globalization;
using System.Net.Sockets;
using FdHandoff.Sockets;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Resilience;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Unix;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// The notify socket of systemd-protocol workers (their NOTIFY_SOCKET): an AF_UNIX datagram socket with
/// SO_PASSCRED beside the control socket. A message counts only for the worker whose pid the kernel says sent
/// it (Workers:NotifyAccess = main), or any process of its session (= all). READY=1 is the readiness gate;
/// STATUS=, STOPPING=1, RELOADING=1, MAINPID=, WATCHDOG=1 and EXTEND_TIMEOUT_USEC= are honoured; anything else
/// is a debug line; a stranger's message changes nothing and is logged. Memory is bounded: one fixed buffer,
/// datagrams over 4 KiB are dropped, the kernel's queue bounds the backlog.
/// </summary>
internal sealed class NotifyServer(
    SupervisorSettings settings,
    WorkerPool pool,
    WorkerDrain drain,
    NotifySocket notifySocket,
    ControlPlanePause pause,
    RestoredImage restored,
    ILogger<NotifyServer> logger) : BackgroundService
{
    private readonly byte[] _buffer = new byte[NotifyMessage.MaxBytes + 1];
    private readonly StrangerLog _strangers = new(logger);
    private Socket? _socket;
    private string? _path;

    private bool Enabled => settings.Workers.Protocol == WorkerProtocol.Systemd;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Enabled) return Task.CompletedTask;
        _path = NotifySocketLocation.For(settings);
        // Kept across a re-exec (the workers' NOTIFY_SOCKET names it); else the directory is the control socket's,
        // created private (0700) before this service starts.
        _socket = restored.Take("notify") is { } kept
            ? new Socket(new SafeSocketHandle(kept.Release(), ownsHandle: true))
            : CredentialDatagrams.Bind(_path);
        notifySocket.Hold(_socket);
        SupervisorLog.NotifySocketListening(logger, _path, settings.Workers.NotifyAccess.ToString().ToLowerInvariant());
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watchdog = settings.Workers.WatchdogSec > 0 ? new WorkerWatchdog(settings, pool.Table, drain, logger).RunAsync(stoppingToken) : Task.CompletedTask;
        while (!stoppingToken.IsCancellationRequested)
        {
            var round = ReadUntilPausedAsync(stoppingToken);
            pause.Track(round);
            await round.ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested) await pause.WaitResumedAsync(stoppingToken).ConfigureAwait(false);
        }
        await watchdog.ConfigureAwait(false);
    }

    // Paused between two datagrams: what the workers send meanwhile waits in the socket (for this image or the next).
    private async Task ReadUntilPausedAsync(CancellationToken stoppingToken)
    {
        using var readWhile = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, pause.Token);
        while (true)
        {
            try
            {
                // A zero-byte peek waits for the next datagram; recvmsg then takes it with its credentials.
                await _socket!.ReceiveAsync(Memory<byte>.Empty, SocketFlags.Peek, readWhile.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                // A datagram larger than zero bytes may report as such on a peek; recvmsg below takes it anyway.
            }
            while (CredentialDatagrams.TryReceive(_socket!, _buffer) is { } datagram) Handle(datagram);
        }
    }

    private void Handle(CredentialDatagram datagram)
    {
        if (datagram.Sender is not { } sender)
        {
            _strangers.Refused(0, 0, "no credentials");
            return;
        }
        int? session = settings.Workers.NotifyAccess == NotifyAccess.All ? ProcessGroups.SessionOf(sender.Pid) : null;
        var worker = FindNotifier(sender.Pid, session, settings.Workers.NotifyAccess == NotifyAccess.All);
        if (worker is null)
        {
            _strangers.Refused(sender.Pid, sender.Uid, settings.Workers.NotifyAccess == NotifyAccess.Main
                ? "not the main process of any worker (Workers:NotifyAccess = main)"
                : "not in the session of any worker");
            return;
        }
        if (datagram.Truncated || datagram.DescriptorsClosed > 0)
        {
            SupervisorLog.NotifyDropped(logger, worker.Pid, worker.Generation, datagram.Truncated ? $"longer than {NotifyMessage.MaxBytes} bytes" : $"carried {datagram.DescriptorsClosed} descriptors (closed; FDSTORE is not served)");
            return;
        }
        foreach (var (name, value) in NotifyMessage.Parse(_buffer.AsSpan(0, datagram.Length)))
            Apply(worker, sender.Pid, name, value);
    }

    private void Apply(WorkerProcess worker, int sender, string name, string value)
    {
        var program = worker.Program!;
        switch (name)
        {
            case "READY" when value == "1":
                program.LastPing = DateTimeOffset.UtcNow;
                // The launcher's hand-off may still be recording itself: ready from either state.
                if (!pool.MarkReady(worker, ReadyReport.Program, fromConnected: true))
                {
                    SupervisorLog.NotifyReadyAgain(logger, worker.Pid, worker.Generation, worker.State.ToString().ToLowerInvariant());
                }
                break;
            case "STATUS":
                program.Status = value.Length > ProgramState.MaxStatusLength ? value[..ProgramState.MaxStatusLength] : value;
                SupervisorLog.NotifyStatus(logger, worker.Pid, worker.Generation, program.Status);
                break;
            case "STOPPING" when value == "1":
                program.Stopping = true;
                SupervisorLog.NotifyStopping(logger, worker.Pid, worker.Generation);
                break;
            case "RELOADING" when value == "1":
                SupervisorLog.NotifyReloading(logger, worker.Pid, worker.Generation);
                break;
            case "MAINPID":
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int main) && main > 1 && ProcessGroups.SessionOf(main) == worker.Pid)
                {
                    program.MainPid = main;
                    SupervisorLog.NotifyMainPid(logger, worker.Pid, worker.Generation, main);
                }
                else
                {
                    SupervisorLog.NotifyIgnored(logger, worker.Pid, worker.Generation, sender, $"MAINPID={value}: not a process of the worker's session");
                }
                break;
            case "WATCHDOG" when value == "1":
                program.LastPing = DateTimeOffset.UtcNow;
                break;
            case "WATCHDOG" when value == "trigger":
                drain.Kill(worker, "it asked for it (WATCHDOG=trigger)");
                break;
            case "EXTEND_TIMEOUT_USEC":
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long usec))
                {
                    // At most an hour at a time: a number this large is a bug, not a plan.
                    var by = TimeSpan.FromMicroseconds(Math.Min(usec, 3_600_000_000L));
                    program.ExtendUntil = DateTimeOffset.UtcNow + by;
                    SupervisorLog.NotifyExtended(logger, worker.Pid, worker.Generation, by.TotalMilliseconds);
                }
                break;
            default:
                SupervisorLog.NotifyIgnored(logger, worker.Pid, worker.Generation, sender, name.Length > 64 ? name[..64] : name);
                break;
        }
    }

    /// <summary>
    /// The worker a notification from <paramref name="senderPid"/> counts for: the systemd-protocol worker of that
    /// pid (or of the pid it named with MAINPID=), or with <paramref name="anyInSession"/> the one whose session
    /// the sender is in. Null for a stranger.
    /// </summary>
    private WorkerProcess? FindNotifier(int senderPid, int? senderSession, bool anyInSession)
    {
        var live = pool.Table.Where(w => w.Program is not null && w.State != WorkerState.Exited);
        return live.FirstOrDefault(w => w.Pid == senderPid || w.Program!.MainPid == senderPid)
            ?? (anyInSession && senderSession is int sid ? live.FirstOrDefault(w => w.Pid == sid) : null);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _socket?.Dispose();
        if (_path is not null) File.Delete(_path);
    }
}
