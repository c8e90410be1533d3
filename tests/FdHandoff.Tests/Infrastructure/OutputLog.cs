using System.Text.RegularExpressions;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>Lines a process wrote, kept in order, with waits that complete when a matching line arrives.</summary>
public sealed class OutputLog
{
    private readonly List<string> _lines = [];
    private readonly List<(Regex Pattern, int From, TaskCompletionSource<Match> Done)> _waiters = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<string> Lines { get { lock (_lock) return _lines.ToList(); } }

    public int Count { get { lock (_lock) return _lines.Count; } }

    public override string ToString() => string.Join("\n", Lines);

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Add(line);
            foreach (var w in _waiters.ToList())
            {
                var m = w.Pattern.Match(line);
                if (!m.Success) continue;
                w.Done.TrySetResult(m);
                _waiters.Remove(w);
            }
        }
    }

    /// <summary>Waits for a line matching <paramref name="pattern"/> written at or after line index <paramref name="from"/>.</summary>
    public async Task<Match> WaitForAsync(string pattern, TimeSpan timeout, int from = 0)
    {
        var regex = new Regex(pattern);
        var done = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            for (int i = from; i < _lines.Count; i++)
            {
                var m = regex.Match(_lines[i]);
                if (m.Success) return m;
            }
            _waiters.Add((regex, from, done));
        }
        try
        {
            return await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no line matching /{pattern}/ within {timeout.TotalSeconds:0.#} s. Output:\n{this}");
        }
    }

    public IEnumerable<Match> All(string pattern)
    {
        var regex = new Regex(pattern);
        return Lines.Select(l => regex.Match(l)).Where(m => m.Success);
    }
}
