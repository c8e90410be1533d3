using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.Upgrades;

/// <summary>
/// The ready step of a generation: waits until every one of its workers has reported ready, and fails
/// with the reason as soon as one dies first, the timeout passes, or the supervisor stops.
/// </summary>
internal static class ReadinessGate
{
    /// <summary>Null when all are ready; otherwise why not, in words.</summary>
    public static async Task<string?> WaitAllReadyAsync(IReadOnlyList<WorkerProcess> workers, TimeSpan timeout, CancellationToken stopping)
    {
        var pending = workers.Select(w => w.Ready).ToList();
        using var timer = new CancellationTokenSource(timeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, stopping);
        try
        {
            while (pending.Count > 0)
            {
                var done = await Task.WhenAny(pending).WaitAsync(linked.Token).ConfigureAwait(false);
                await done.ConfigureAwait(false); // throws WorkerFailedException if that worker died first
                pending.Remove(done);
            }
            return null;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return "the supervisor is stopping";
        }
        catch (OperationCanceledException)
        {
            var late = workers.Where(w => !w.Ready.IsCompletedSuccessfully).ToList();
            return $"{late.Count} of {workers.Count} workers not ready after {timeout.TotalSeconds:0.#} s ({string.Join(", ", late.Select(w => $"pid {w.Pid} {w.State.ToString().ToLowerInvariant()}"))})";
        }
        catch (WorkerFailedException e)
        {
            return e.Message;
        }
    }
}
