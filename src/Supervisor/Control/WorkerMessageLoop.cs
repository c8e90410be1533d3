using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Resilience;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// What a worker says after the hand-off: Ready (the readiness gate waits for it), Bye, and the messages
/// of established-connection hand-over (to the <see cref="ConnectionRouter"/>). Anything else is logged
/// and its descriptors closed. Ends when the worker closes the connection or dies; its exit is the pool's
/// to handle, what was in transit to it the router's. Paused (<see cref="ControlPlanePause"/>) it stops at a
/// message boundary and leaves the connection open, to be read again by this image or the next.
/// </summary>
internal sealed class WorkerMessageLoop
{
    private readonly WorkerPool _pool;
    private readonly ConnectionRouter _router;
    private readonly ControlPlanePause _pause;
    private readonly ILogger<WorkerMessageLoop> _logger;
    private readonly LauncherMessages _launches;
    private readonly Lock _lock = new();
    private readonly List<WorkerProcess> _paused = [];

    public WorkerMessageLoop(WorkerPool pool, ConnectionRouter router, ControlPlanePause pause, ILogger<WorkerMessageLoop> logger)
    {
        (_pool, _router, _pause, _logger) = (pool, router, pause, logger);
        _launches = new LauncherMessages(pool, logger);
        pause.Resumed += ResumePaused;
    }

    /// <summary>Reads <paramref name="worker"/>'s messages on its control channel until it closes, or until paused.</summary>
    public void Start(WorkerProcess worker) => _pause.Track(RunAsync(worker, worker.Channel!));

    public async Task RunAsync(WorkerProcess worker, ControlChannel channel)
    {
        var pool = _pool;
        var router = _router;
        var logger = _logger;
        bool paused = false;
        var pauseToken = _pause.Token;
        try
        {
            while (true)
            {
                // Not cancelled when the supervisor stops: a draining worker still asks to hand its connections
                // over and must hear "no" at once; the loop ends when the worker closes or dies (or is paused).
                ControlFrame? received;
                try
                {
                    received = await channel.ReceiveAsync(pauseToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (pauseToken.IsCancellationRequested)
                {
                    paused = true;
                    lock (_lock) _paused.Add(worker);
                    return;
                }
                using var frame = received;
                if (frame is null) return;
                switch (frame.Kind)
                {
                    case MessageKind.Ready:
                        var ready = frame.Read<ReadyMessage>();
                        if (!pool.MarkReady(worker, new ReadyReport(ready.TakesConnections, ready.Serving)))
                            SupervisorLog.UnexpectedMessage(logger, worker.Pid, worker.Generation, $"Ready while {worker.State.ToString().ToLowerInvariant()}", 0);
                        break;
                    case MessageKind.HandOver:
                        router.HandOver(worker, frame);
                        break;
                    case MessageKind.ConnectionTaken when frame.DescriptorCount == 0:
                        router.Taken(worker, frame);
                        break;
                    case MessageKind.Load when frame.DescriptorCount == 0:
                        worker.Lifecycle.ReportLoad(frame.Read<LoadMessage>().Connections);
                        break;
                    case MessageKind.Exec when frame.DescriptorCount == 0 && worker.Program is not null:
                        _launches.Exec(worker, frame.Read<ExecMessage>());
                        break;
                    case MessageKind.Error when frame.DescriptorCount == 0 && worker.Program is not null:
                        _launches.ExecFailed(worker, frame.Read<ErrorMessage>().Reason);
                        break;
                    case MessageKind.Bye:
                        SupervisorLog.WorkerBye(logger, worker.Pid, worker.Generation);
                        break;
                    default:
                        // Disposing the frame closes any descriptor it carried.
                        SupervisorLog.UnexpectedMessage(logger, worker.Pid, worker.Generation, frame.Kind.ToString(), frame.DescriptorCount);
                        break;
                }
            }
        }
        catch (ProtocolException e)
        {
            SupervisorLog.BadMessage(logger, worker.Pid, worker.Generation, e.Message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            // The worker closed or died; its exit is handled by the pool.
        }
        finally
        {
            if (!paused)
            {
                // A launcher's connection closes at its exec: then the program runs, and the worker lives on.
                if (worker.Program is not null) _launches.ConnectionClosed(worker);
                router.WorkerGone(worker);
            }
        }
    }

    private void ResumePaused()
    {
        List<WorkerProcess> paused;
        lock (_lock)
        {
            paused = [.. _paused];
            _paused.Clear();
        }
        foreach (var worker in paused) Start(worker);
    }
}
