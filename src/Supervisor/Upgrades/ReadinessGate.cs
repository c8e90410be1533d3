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
        var deadline = DateTimeOffset.UtcNow + timeout;
        try
        {
            while (pending.Count > 0)
            {
                // EXTEND_TIMEOUT_USEC= from a systemd-protocol worker not yet ready pushes the deadline out.
                var extended = workers.Where(w => !w.Ready.IsCompleted).Select(w => w.Program?.ExtendUntil ?? default).DefaultIfEmpty().Max();
                var left = (extended > deadline ? extended : deadline) - DateTimeOffset.UtcNow;
                if (left <= TimeSpan.Zero) throw new OperationCanceledException();
                Task done;
                try
                {
                    done = await Task.WhenAny(pending).WaitAsync(left, stopping).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    continue;
                }
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
