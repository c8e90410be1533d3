using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Workers;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// What a worker says after the hand-off: Ready (the readiness gate waits for it), Bye, and the messages
/// of established-connection hand-over (to the <see cref="ConnectionRouter"/>). Anything else is logged
/// and its descriptors closed. Ends when the worker closes the connection or dies; its exit is the pool's
/// to handle, what was in transit to it the router's.
/// </summary>
internal sealed class WorkerMessageLoop(WorkerPool pool, ConnectionRouter router, ILogger<WorkerMessageLoop> logger)
{
    private readonly LauncherMessages _launches = new(pool, logger);

    public async Task RunAsync(WorkerProcess worker, ControlChannel channel)
    {
        try
        {
            while (true)
            {
                // Not cancelled when the supervisor stops: a draining worker still asks to hand its connections
                // over and must hear "no" at once; the loop ends when the worker closes or dies.
                using var frame = await channel.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
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
            // A launcher's connection closes at its exec: then the program runs, and the worker lives on.
            if (worker.Program is not null) _launches.ConnectionClosed(worker);
            router.WorkerGone(worker);
        }
    }
}
