using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Long-lived connections to the counter service (every line answered with <c>&lt;n&gt; &lt;line&gt;</c>,
/// n counting from 1 per connection), each sending unique lines (<c>c17-l423-&lt;padding&gt;</c>)
/// continuously until stopped, some in two pieces with a pause between them so partial lines cross
/// a hand-over. Every answer is checked against the oldest unanswered line and the previous n: a
/// connection that sees EOF, a reset or a stall counts as a disconnect (and is replaced, so the load
/// goes on); an answer with a wrong n, a wrong line or twice the same line counts as a protocol error.
/// </summary>
public sealed class LineCounterLoad : IAsyncDisposable
{
    private const int MaxErrorsKept = 10;
    private readonly Func<CancellationToken, Task<Socket>> _connect;
    private readonly LineCounterLoadOptions _options;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentDictionary<string, long> _failures = new();
    private readonly List<string> _firstErrors = [];
    private readonly List<LineTiming> _timings = [];
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private readonly TaskCompletionSource _firstProblem = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Random _seeds;
    private readonly Task[] _connections;
    private long _opened, _open, _connectFailures, _sent, _split, _answered, _disconnects, _stalls, _protocolErrors, _unanswered;
    private int _nextId;

    private LineCounterLoad(Func<CancellationToken, Task<Socket>> connect, int connections, LineCounterLoadOptions options)
    {
        if (connections < 1) throw new ArgumentOutOfRangeException(nameof(connections), connections, "at least one connection");
        if (options.Window < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Window, "Window must be at least 1");
        _connect = connect;
        _options = options;
        _seeds = options.Seed is int seed ? new Random(seed) : new Random();
        _connections = Enumerable.Range(0, connections).Select(_ => Task.Run(ConnectionLoopAsync)).ToArray();
    }

    /// <summary>Starts <paramref name="connections"/> TCP connections to <paramref name="endpoint"/>.</summary>
    public static LineCounterLoad Start(IPEndPoint endpoint, int connections, LineCounterLoadOptions? options = null) =>
        new(async cancel =>
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint, cancel).ConfigureAwait(false);
                return socket;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }, connections, options ?? new());

    /// <summary>Starts <paramref name="connections"/> connections made by <paramref name="connect"/> (e.g. SCTP sockets made with libc); the load owns each socket it returns.</summary>
    public static LineCounterLoad Start(Func<CancellationToken, Task<Socket>> connect, int connections, LineCounterLoadOptions? options = null) =>
        new(connect, connections, options ?? new());

    /// <summary>The load's clock, started with it; <see cref="LineTiming"/> uses it, so a test can mark an upgrade's start and end on it.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public long LinesAnswered => Interlocked.Read(ref _answered);

    public long OpenConnections => Interlocked.Read(ref _open);

    /// <summary>Completes at the first disconnect, stall, failed connect or protocol error: what a test waits on to show a fault is seen.</summary>
    public Task FirstProblem => _firstProblem.Task;

    /// <summary>Waits until <paramref name="count"/> more lines have been answered from now; the TimeoutException says what the load saw.</summary>
    public async Task WaitForMoreLinesAsync(long count, TimeSpan timeout)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters) _waiters.Add((LinesAnswered + count, reached));
        try
        {
            await reached.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the counter load did not get {count} more answers within {timeout.TotalSeconds:0.#} s; {Snapshot(withTimings: false)}");
        }
    }

    /// <summary>Stops sending, waits for the answers to the lines in flight (up to the answer timeout), closes every connection.</summary>
    public async Task<LineCounterResult> StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_connections).ConfigureAwait(false);
        return Snapshot(withTimings: true);
    }

    private LineCounterResult Snapshot(bool withTimings)
    {
        lock (_firstErrors)
        {
            return new LineCounterResult(
                Interlocked.Read(ref _opened), Interlocked.Read(ref _open), Interlocked.Read(ref _connectFailures),
                Interlocked.Read(ref _sent), Interlocked.Read(ref _split), LinesAnswered,
                Interlocked.Read(ref _disconnects), Interlocked.Read(ref _stalls), Interlocked.Read(ref _protocolErrors),
                Interlocked.Read(ref _unanswered),
                new Dictionary<string, long>(_failures), _firstErrors.ToList(),
                withTimings ? _timings.ToList() : []);
        }
    }

    private async Task ConnectionLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            int id = Interlocked.Increment(ref _nextId);
            Socket socket;
            try
            {
                socket = await _connect(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _connectFailures);
                Record("connect failed", $"c{id}: connect failed at {Stamp()}: {Describe(e)}");
                if (!_options.Reconnect) return;
                // A client backing off, not a test waiting: a refused port must not spin the CPU.
                try { await Task.Delay(100, _stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                continue;
            }
            Interlocked.Increment(ref _opened);
            Interlocked.Increment(ref _open);
            bool survived;
            int seed;
            lock (_seeds) seed = _seeds.Next();
            using (var connection = new LineCounterConnection(socket))
            {
                survived = await new Session(this, id, connection, new Random(seed)).RunAsync().ConfigureAwait(false);
            }
            if (survived) return; // it lived until the stop: it stays counted as open at stop
            Interlocked.Decrement(ref _open);
            if (!_options.Reconnect) return;
        }
    }

    private string Stamp() => _clock.Elapsed.ToString(@"mm\:ss\.fff", CultureInfo.InvariantCulture);

    private static string Describe(Exception e) => e switch
    {
        SocketException s => $"{s.SocketErrorCode} ({s.Message})",
        _ => e.Message,
    };

    private void Record(string kind, string words)
    {
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
        lock (_firstErrors)
        {
            if (_firstErrors.Count < MaxErrorsKept) _firstErrors.Add(words);
        }
        _firstProblem.TrySetResult();
    }

    private void Answered(List<LineTiming> timings, TimeSpan sent)
    {
        timings.Add(new LineTiming(sent, _clock.Elapsed));
        long answered = Interlocked.Increment(ref _answered);
        lock (_waiters)
        {
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (answered < _waiters[i].Target) continue;
                _waiters[i].Reached.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>One connection's sender and reader: lines out in order, answers checked in order.</summary>
    private sealed class Session(LineCounterLoad load, int id, LineCounterConnection connection, Random random)
    {
        private const string PaddingChars = "abcdefghijklmnopqrstuvwxyz0123456789";
        private readonly Queue<(string Line, long Index, TimeSpan Sent)> _outstanding = new();
        private readonly SemaphoreSlim _window = new(load._options.Window);
        private readonly CancellationTokenSource _broken = new();
        private readonly CancellationTokenSource _allAnswered = new();
        private readonly List<LineTiming> _timings = [];
        private readonly string _prefix = $"c{id}-l";
        private bool _senderDone;
        private int _failed;
        private long _lastN, _lastAnsweredIndex;

        public async Task<bool> RunAsync()
        {
            await Task.WhenAll(SendLoopAsync(), ReadLoopAsync()).ConfigureAwait(false);
            lock (load._timings) load._timings.AddRange(_timings);
            if (_failed == 0)
            {
                try { connection.Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
            }
            _broken.Dispose();
            _allAnswered.Dispose();
            return _failed == 0;
        }

        private async Task SendLoopAsync()
        {
            var options = load._options;
            long index = 0;
            try
            {
                using var stopOrBroken = CancellationTokenSource.CreateLinkedTokenSource(load._stop.Token, _broken.Token);
                while (!stopOrBroken.IsCancellationRequested)
                {
                    try
                    {
                        await _window.WaitAsync(stopOrBroken.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    index++;
                    string line = _prefix + index.ToString(CultureInfo.InvariantCulture) + "-" + Padding();
                    lock (_outstanding) _outstanding.Enqueue((line, index, load._clock.Elapsed));
                    Interlocked.Increment(ref load._sent);
                    // Once started, a line is sent whole even if the load is stopping: only a break cuts it.
                    string text = line + "\n";
                    if (random.NextDouble() < options.SplitProbability)
                    {
                        int at = random.Next(1, text.Length);
                        Interlocked.Increment(ref load._split);
                        await connection.SendAsync(text[..at], _broken.Token).ConfigureAwait(false);
                        await Task.Delay(options.SplitPause, _broken.Token).ConfigureAwait(false);
                        await connection.SendAsync(text[at..], _broken.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        await connection.SendAsync(text, _broken.Token).ConfigureAwait(false);
                    }
                    if (options.Interval > TimeSpan.Zero)
                    {
                        try { await Task.Delay(options.Interval, stopOrBroken.Token).ConfigureAwait(false); }
                        catch (OperationCanceledException) { break; }
                    }
                }
            }
            catch (OperationCanceledException) when (_broken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Break(e, "sending");
            }
            finally
            {
                lock (_outstanding)
                {
                    _senderDone = true;
                    if (_outstanding.Count == 0) _allAnswered.Cancel();
                }
            }
        }

        private async Task ReadLoopAsync()
        {
            try
            {
                while (true)
                {
                    string answer;
                    using (var wait = CancellationTokenSource.CreateLinkedTokenSource(_broken.Token, _allAnswered.Token))
                    {
                        wait.CancelAfter(load._options.AnswerTimeout);
                        try
                        {
                            answer = await connection.ReadLineAsync(wait.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (_allAnswered.IsCancellationRequested || _broken.IsCancellationRequested)
                        {
                            return;
                        }
                        catch (OperationCanceledException)
                        {
                            Stalled();
                            return;
                        }
                    }
                    if (!Check(answer)) return;
                    lock (_outstanding)
                    {
                        if (_senderDone && _outstanding.Count == 0) return;
                    }
                }
            }
            catch (Exception e)
            {
                Break(e, "reading");
            }
        }

        /// <summary>False when the stream can no longer be trusted and the connection was given up.</summary>
        private bool Check(string answer)
        {
            (string Line, long Index, TimeSpan Sent)? head;
            lock (_outstanding) head = _outstanding.Count > 0 ? _outstanding.Peek() : null;
            string? fault = LineCounterCheck.Judge(answer, _lastN, head?.Line, AnsweredBefore);
            if (fault is null)
            {
                Accept(head!.Value, _lastN + 1);
                return true;
            }
            Interlocked.Increment(ref load._protocolErrors);
            load.Record(fault, $"c{id}: {fault} at {load.Stamp()}: expected '{_lastN + 1} {head?.Line ?? "(no line outstanding)"}', got '{Shorten(answer)}'");
            switch (fault)
            {
                case LineCounterCheck.Duplicate:
                    return true; // the answer to the outstanding line may still follow
                case LineCounterCheck.Reset or LineCounterCheck.WentBack or LineCounterCheck.Skipped:
                    // The right line with a wrong n: follow the server's count so one fault counts once.
                    Accept(head!.Value, CounterAnswer.Parse(answer)!.Value.N);
                    return true;
                default:
                    GiveUp();
                    return false;
            }
        }

        private void Accept((string Line, long Index, TimeSpan Sent) head, long n)
        {
            lock (_outstanding) _outstanding.Dequeue();
            _lastN = n;
            _lastAnsweredIndex = head.Index;
            load.Answered(_timings, head.Sent);
            _window.Release();
        }

        // Lines are answered in order, so "answered before" is "an index of ours not above the last answered".
        private bool AnsweredBefore(string line)
        {
            if (!line.StartsWith(_prefix, StringComparison.Ordinal)) return false;
            int dash = line.IndexOf('-', _prefix.Length);
            return dash > 0 && long.TryParse(line.AsSpan(_prefix.Length, dash - _prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long k)
                   && k <= _lastAnsweredIndex;
        }

        private void Break(Exception e, string doing)
        {
            if (Interlocked.Exchange(ref _failed, 1) != 0) return;
            string kind = e switch
            {
                EndOfStreamException => "disconnect: EOF",
                SocketException { SocketErrorCode: SocketError.ConnectionReset } => "disconnect: reset",
                SocketException { SocketErrorCode: SocketError.Shutdown or SocketError.ConnectionAborted } => "disconnect: broken pipe",
                SocketException s => "disconnect: " + s.SocketErrorCode,
                _ => "disconnect: " + e.GetType().Name,
            };
            Interlocked.Increment(ref load._disconnects);
            load.Record(kind, $"c{id}: {kind} while {doing} at {load.Stamp()} after {_lastN} answers, {Outstanding()}: {Describe(e)}");
            Close();
        }

        private void Stalled()
        {
            if (Interlocked.Exchange(ref _failed, 1) != 0) return;
            bool stopping = load._stop.IsCancellationRequested;
            string kind = stopping ? "unanswered at stop" : "stall: no answer in time";
            if (!stopping) Interlocked.Increment(ref load._stalls);
            load.Record(kind, $"c{id}: {kind} ({load._options.AnswerTimeout.TotalSeconds:0.#} s) at {load.Stamp()} after {_lastN} answers, {Outstanding()}");
            Close();
        }

        private void GiveUp()
        {
            if (Interlocked.Exchange(ref _failed, 1) != 0) return;
            Close();
        }

        // The lines still outstanding will never be answered: count them, stop both loops, drop the socket.
        private void Close()
        {
            lock (_outstanding) Interlocked.Add(ref load._unanswered, _outstanding.Count);
            _broken.Cancel();
            try { connection.Socket.Close(); } catch (ObjectDisposedException) { }
        }

        private string Outstanding()
        {
            lock (_outstanding)
                return _outstanding.Count == 0 ? "nothing outstanding" : $"{_outstanding.Count} outstanding from '{_outstanding.Peek().Line}'";
        }

        private string Padding()
        {
            var chars = new char[random.Next(4, 40)];
            for (int i = 0; i < chars.Length; i++) chars[i] = PaddingChars[random.Next(PaddingChars.Length)];
            return new string(chars);
        }

        private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "...";
    }
}
