using System.Text.RegularExpressions;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Lines a process wrote, kept in order, each read as a log event when it is one (<see cref="LogEntry"/>), with
/// waits that complete when a matching event (or line) arrives. Once the process has exited and its output is
/// read (<see cref="Close"/>), a wait for something not there fails at once instead of at its timeout.
/// </summary>
public sealed class OutputLog
{
    private readonly List<string> _lines = [];
    private readonly List<LogEntry?> _entries = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Lock _lock = new();
    private string? _closed;

    private sealed record Waiter(int From, Func<int, bool> TryComplete, Action<Exception> Fail);

    /// <summary>
    /// The lines as written (JSON lines as JSON). Tests read a one-line refusal here (<c>fdhandoff: ...</c>, printed
    /// before any logger exists, so no event): its wording is what they check.
    /// </summary>
    public IReadOnlyList<string> Lines { get { lock (_lock) return _lines.ToList(); } }

    public int Count { get { lock (_lock) return _lines.Count; } }

    /// <summary>Every line that is a log event, in order.</summary>
    public IReadOnlyList<LogEntry> Events { get { lock (_lock) return _entries.OfType<LogEntry>().ToList(); } }

    /// <summary>The output as a person reads it: events as console lines, other lines as they are.</summary>
    public override string ToString()
    {
        lock (_lock) return string.Join("\n", _lines.Select((line, i) => _entries[i]?.ToString() ?? line));
    }

    public void Add(string line)
    {
        lock (_lock)
        {
            int index = _lines.Count;
            _lines.Add(line);
            _entries.Add(LogEntry.TryParse(line, index));
            foreach (var w in _waiters.ToList())
            {
                if (index < w.From) continue;
                try
                {
                    if (!w.TryComplete(index)) continue;
                }
                catch (Exception e)
                {
                    w.Fail(e); // a predicate that throws (a property the event does not have) ends its wait
                }
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>
    /// No more lines will come (the process exited, <paramref name="reason"/> says how): every wait still open fails
    /// now, and so does any later wait for something not already here.
    /// </summary>
    public void Close(string reason)
    {
        List<Waiter> open;
        lock (_lock)
        {
            _closed = reason;
            open = _waiters.ToList();
            _waiters.Clear();
        }
        foreach (var w in open) w.Fail(new OutputEndedException($"{reason}. Output:\n{this}"));
    }

    /// <summary>Waits for an event of <paramref name="kind"/> (at or after line <paramref name="from"/>) for which <paramref name="where"/> holds.</summary>
    public Task<LogEntry> WaitForEventAsync(EventKind kind, Func<LogEntry, bool>? where, TimeSpan timeout, int from = 0) =>
        WaitForEventAsync([kind], where, timeout, from);

    public Task<LogEntry> WaitForEventAsync(EventKind kind, TimeSpan timeout, int from = 0) => WaitForEventAsync([kind], null, timeout, from);

    /// <summary>Waits for an event of any of <paramref name="kinds"/> for which <paramref name="where"/> holds.</summary>
    public Task<LogEntry> WaitForEventAsync(IReadOnlyCollection<EventKind> kinds, Func<LogEntry, bool>? where, TimeSpan timeout, int from = 0) =>
        WaitAsync(i => _entries[i] is { } e && kinds.Any(e.Is) && (where?.Invoke(e) ?? true) ? e : null,
            $"event {string.Join(" or ", kinds)}{(where is null ? "" : " that matches")}", timeout, from);

    /// <summary>Every event of <paramref name="kind"/> (for which <paramref name="where"/> holds), in order.</summary>
    public IReadOnlyList<LogEntry> All(EventKind kind, Func<LogEntry, bool>? where = null) => All([kind], where);

    public IReadOnlyList<LogEntry> All(IReadOnlyCollection<EventKind> kinds, Func<LogEntry, bool>? where = null) =>
        Events.Where(e => kinds.Any(e.Is) && (where?.Invoke(e) ?? true)).ToList();

    /// <summary>
    /// Waits for a line matching <paramref name="pattern"/> written at or after line index <paramref name="from"/>.
    /// For what is not a log event of ours: another program's output, a one-line refusal a person reads.
    /// </summary>
    public Task<Match> WaitForAsync(string pattern, TimeSpan timeout, int from = 0)
    {
        var regex = new Regex(pattern);
        return WaitAsync(i => regex.Match(_lines[i]) is { Success: true } m ? m : null, $"line matching /{pattern}/", timeout, from);
    }

    public IEnumerable<Match> All(string pattern)
    {
        var regex = new Regex(pattern);
        return Lines.Select(l => regex.Match(l)).Where(m => m.Success);
    }

    private async Task<T> WaitAsync<T>(Func<int, T?> match, string what, TimeSpan timeout, int from) where T : class
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = new Waiter(from, i => match(i) is { } m && done.TrySetResult(m), e => done.TrySetException(e));
        string? ended;
        lock (_lock)
        {
            for (int i = from; i < _lines.Count; i++)
                if (match(i) is { } found) return found;
            ended = _closed;
            if (ended is null) _waiters.Add(waiter);
        }
        if (ended is not null) throw new OutputEndedException($"no {what}: {ended}. Output:\n{this}");
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException) when (!done.Task.IsCompleted)
        {
            lock (_lock) _waiters.Remove(waiter);
            throw new TimeoutException($"no {what} within {timeout.TotalSeconds:0.#} s. Output:\n{this}");
        }
        catch (OutputEndedException e)
        {
            throw new OutputEndedException($"no {what}: {e.Message}");
        }
    }
}

/// <summary>
/// What a wait was for can no longer come: the process exited. A <see cref="TimeoutException"/>, reported at once
/// rather than at the timeout, so that code that treats a wait's timeout as "not logged" reads it the same way.
/// </summary>
public sealed class OutputEndedException(string message) : TimeoutException(message);
