using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using FdHandoff.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Runs the worker's warm-up: a GET of each <see cref="FdHandoffOptions.WarmUp"/> path through Kestrel and the
/// app's own pipeline, over a socket pair, before the worker accepts from the shared listeners and reports
/// ready. The first request of a framework-dependent worker costs it 150-250 ms of JIT; this way a client of
/// the serving generation never waits for it, and a new generation is ready only once it answers quickly.
/// </summary>
/// <remarks>
/// A warm-up answered other than 2xx (a 404 or a redirect did not run the app's own path), failed or slower than <see cref="FdHandoffOptions.WarmUpTimeout"/> is a warning, not
/// a failure: whether the worker is fit to serve is its readiness contract's to say, not the warm-up's.
/// </remarks>
internal sealed class WarmUp(WarmUpListener listener, HandoffClient client, IOptions<FdHandoffOptions> options, ILogger<WarmUp> logger)
{
    private const int MaxHeadBytes = 128;

    /// <summary>Runs the warm-up requests one after the other, then ends the warm-up endpoint.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var paths = options.Value.WarmUp;
        try
        {
            if (paths.Count == 0) return;
            long started = Stopwatch.GetTimestamp();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            limit.CancelAfter(options.Value.WarmUpTimeout);
            int answered = 0;
            foreach (var path in paths)
            {
                try
                {
                    int status = await RequestAsync(path, limit.Token).ConfigureAwait(false);
                    answered++;
                    if (status is < 200 or >= 300) HandoffLog.WarmUpAnswered(logger, client.Generation, Environment.ProcessId, path, status);
                }
                catch (OperationCanceledException) when (limit.IsCancellationRequested)
                {
                    if (!stopping.IsCancellationRequested)
                        HandoffLog.WarmUpTimedOut(logger, client.Generation, Environment.ProcessId, path, (int)options.Value.WarmUpTimeout.TotalMilliseconds);
                    return;
                }
                catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
                {
                    HandoffLog.WarmUpFailed(logger, client.Generation, Environment.ProcessId, path, e.Message);
                }
            }
            HandoffLog.WarmedUp(logger, client.Generation, Environment.ProcessId, answered, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            listener.Complete();
        }
    }

    /// <summary>One GET over a fresh socket pair; returns the status code (0: no status line).</summary>
    private async Task<int> RequestAsync(string path, CancellationToken cancellationToken)
    {
        var (ours, kestrels) = StreamSocketPair.Create();
        using (ours)
        {
            // Kestrel's connection owns the other end from here; if the listener has ended, it is still ours.
            if (!listener.Offer(kestrels))
            {
                kestrels.Dispose();
                throw new ObjectDisposedException(nameof(WarmUpListener), "the warm-up endpoint has already ended");
            }
            var request = Encoding.ASCII.GetBytes(
                $"GET {path} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: fdhandoff-warm-up\r\n{FdHandoffOptions.WarmUpHeader}: 1\r\nConnection: close\r\n\r\n");
            await ours.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);

            // The whole response is read (to the close), so the app's full write path runs; only its head is kept.
            var head = new byte[MaxHeadBytes];
            int kept = 0;
            var buffer = new byte[16 * 1024];
            while (true)
            {
                int n = await ours.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0) break;
                int take = Math.Min(n, head.Length - kept);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(kept));
                kept += take;
            }
            return StatusOf(head.AsSpan(0, kept));
        }
    }

    /// <summary>"HTTP/1.1 200 OK" -> 200; 0 if there is no such line.</summary>
    internal static int StatusOf(ReadOnlySpan<byte> head)
    {
        // "HTTP/1.x " is 9 bytes, then three digits.
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8)) return 0;
        var digits = head.Slice(9, 3);
        foreach (byte b in digits) if (b < '0' || b > '9') return 0;
        return (digits[0] - '0') * 100 + (digits[1] - '0') * 10 + (digits[2] - '0');
    }
}
