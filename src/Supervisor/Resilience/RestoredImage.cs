using System.Runtime.InteropServices;
using System.Text.Json;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// This image's start, when it is a re-exec of the supervisor: the hand-off the previous image left in the anonymous
/// file named by FDHANDOFF_REEXEC_STATE, and the descriptors it kept open. Each part that held one takes it by name
/// (<see cref="Take"/>: a CLOEXEC copy it owns). The originals stay open, untouched, until this image has started
/// (<see cref="Commit"/>): if it fails before, <see cref="FallBack"/> hands them, as they were, to the previous
/// executable, which takes over again. <see cref="None"/> for a fresh start.
/// </summary>
internal sealed class RestoredImage
{
    /// <summary>The variable that names the hand-off's descriptor; removed once read, so no worker inherits it.</summary>
    public const string StateVariable = "FDHANDOFF_REEXEC_STATE";

    /// <summary>The variable that names the previous executable's descriptor (opened from /proc/self/exe before the exec).</summary>
    public const string PreviousVariable = "FDHANDOFF_REEXEC_PREVIOUS";

    /// <summary>Set when the previous executable takes over again because the new one could not: why.</summary>
    public const string FallbackVariable = "FDHANDOFF_REEXEC_FALLBACK";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SafeFd> _originals;
    private readonly HashSet<string> _taken = [];
    private readonly SafeFd? _handOffFile;
    private readonly SafeFd? _previous;

    // Every passed descriptor is made CLOEXEC and owned here at once, before anything of this image can start a child.
    private RestoredImage(ReexecHandOff? handOff, SafeFd? handOffFile, SafeFd? previous, string? fallbackReason)
    {
        HandOff = handOff;
        _handOffFile = handOffFile;
        _previous = previous;
        FallbackReason = fallbackReason;
        _originals = handOff?.Descriptors.ToDictionary(d => d.Name, d => InheritedDescriptors.Take(d.Fd, d.Name)) ?? [];
    }

    public static RestoredImage None { get; } = new(null, null, null, null);

    /// <summary>
    /// A supervisor that died, adopted (<see cref="CrashAdoption"/>): its state file as the hand-off, the descriptors its
    /// workers (and systemd's fd store) gave back, and what each worker said when it reattached.
    /// </summary>
    public static RestoredImage Adopted(ReexecHandOff state, IReadOnlyDictionary<string, SafeFd> descriptors, IReadOnlyDictionary<int, ReattachMessage> reattached)
    {
        var image = new RestoredImage(state with { Descriptors = [] }, null, null, null) { Reattached = reattached };
        foreach (var (name, fd) in descriptors) image._originals[name] = fd;
        return image;
    }

    /// <summary>After an adoption: each worker that reattached, by pid, with what it said; empty after a re-exec.</summary>
    public IReadOnlyDictionary<int, ReattachMessage> Reattached { get; private init; } = new Dictionary<int, ReattachMessage>();

    /// <summary>This image adopted a dead supervisor's workers (rather than re-executing from a live one).</summary>
    public bool IsAdoption => Reattached.Count > 0 || (HandOff is not null && _previous is null && _handOffFile is null);

    /// <summary>Set in the previous executable taking over again after the new one could not: why it could not.</summary>
    public string? FallbackReason { get; }

    /// <summary>The previous image's hand-off, or null for a fresh start.</summary>
    public ReexecHandOff? HandOff { get; }

    public bool IsRestored => HandOff is not null;

    /// <summary>This image has started: what it took is its own, the originals are closed.</summary>
    public bool Committed { get; private set; }

    /// <summary>True when this image was started by a re-exec (and has not read the hand-off yet).</summary>
    public static bool IsPending => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StateVariable));

    /// <summary>The hand-off named by <see cref="StateVariable"/>, or <see cref="None"/>.</summary>
    public static RestoredImage FromEnvironment()
    {
        if (!IsPending) return None;
        int fd = Number(StateVariable);
        int previous = Number(PreviousVariable);
        string? fallback = Environment.GetEnvironmentVariable(FallbackVariable);
        // Read before anything is taken: a hand-off this image cannot read leaves every descriptor as it came, for the previous executable.
        var handOff = Read(InheritedDescriptors.ReadAll(fd));
        var file = InheritedDescriptors.Take(fd, "the re-exec hand-off");
        foreach (string name in new[] { StateVariable, PreviousVariable, FallbackVariable }) Environment.SetEnvironmentVariable(name, null);
        return new RestoredImage(handOff, file, InheritedDescriptors.Take(previous, "the previous executable"), string.IsNullOrEmpty(fallback) ? null : fallback);
    }

    /// <summary>
    /// This image was started by a re-exec and could not even read the hand-off (its command line refused, the hand-off
    /// unreadable): the previous executable takes over again, with every inherited descriptor as it came (still open
    /// across exec: nothing here took them). Returns only when that failed too, or there was no re-exec: why not.
    /// </summary>
    public static string FallBackBeforeStart(string why)
    {
        if (!IsPending) return "not started by a re-exec";
        if (Environment.GetEnvironmentVariable(FallbackVariable) is { Length: > 0 } earlier) return $"the previous executable failed too ({earlier})";
        int previous = Number(PreviousVariable);
        var env = ImageStart.Environment
            .Append($"{StateVariable}={Number(StateVariable)}").Append($"{PreviousVariable}={previous}").Append($"{FallbackVariable}={why}").ToList();
        string path = $"/proc/self/fd/{previous}";
        return ImageReplacement.Exec(path, ImageStart.Argv(path, ImageStart.Arguments), env, []);
    }

    private static int Number(string variable) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), out int fd) ? fd
        : throw new SupervisorException($"{variable} is not a descriptor number: it is for the supervisor's own re-exec only");

    /// <summary>A hand-off as the previous image wrote it, or one line saying why it cannot be read.</summary>
    public static ReexecHandOff Read(byte[] json)
    {
        ReexecHandOff? handOff;
        try
        {
            handOff = JsonSerializer.Deserialize(json, ReexecJson.Default.ReexecHandOff);
        }
        catch (JsonException e)
        {
            throw new SupervisorException($"the re-exec hand-off is not readable: {e.Message}");
        }
        if (handOff is null) throw new SupervisorException("the re-exec hand-off is empty");
        if (handOff.State.Format > SavedState.SupervisorState.Format)
            throw new SupervisorException($"the re-exec hand-off has state format {handOff.State.Format} (written by {handOff.State.WrittenBy}); this fdhandoff reads up to format {SavedState.SupervisorState.Format}");
        return handOff;
    }

    /// <summary>A CLOEXEC copy of the descriptor passed as <paramref name="name"/>, owned by the caller; null when none was.</summary>
    public SafeFd? Take(string name)
    {
        lock (_lock)
        {
            if (!_originals.TryGetValue(name, out var original) || !_taken.Add(name)) return null;
            return InheritedDescriptors.Copy(original);
        }
    }

    /// <summary>The names of the descriptors not taken yet that start with <paramref name="prefix"/>.</summary>
    public IReadOnlyList<string> Names(string prefix)
    {
        lock (_lock)
            return _originals.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && !_taken.Contains(n)).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>This image has started: closes the originals; returns the names of those nothing took (closed too).</summary>
    public IReadOnlyList<string> Commit()
    {
        lock (_lock)
        {
            if (Committed) return [];
            Committed = true;
            var leftovers = _originals.Keys.Where(n => !_taken.Contains(n)).Order(StringComparer.Ordinal).ToList();
            foreach (var fd in _originals.Values) fd.Dispose();
            _handOffFile?.Dispose();
            _previous?.Dispose();
            return leftovers;
        }
    }

    /// <summary>
    /// This image could not start: execs the previous executable with the same descriptors (the originals, untouched)
    /// and hand-off, and why. Returns only when that failed too: why.
    /// </summary>
    public string FallBack(string why)
    {
        if (HandOff is null || Committed || _handOffFile is null || _previous is null) return "nothing to fall back to";
        if (FallbackReason is not null) return $"the previous executable failed too ({FallbackReason})";
        var keep = new List<SafeHandle>(_originals.Values) { _handOffFile, _previous };
        var env = ImageStart.Environment
            .Append($"{StateVariable}={InheritedDescriptors.NumberOf(_handOffFile)}")
            .Append($"{PreviousVariable}={InheritedDescriptors.NumberOf(_previous)}")
            .Append($"{FallbackVariable}={why}").ToList();
        string path = $"/proc/self/fd/{InheritedDescriptors.NumberOf(_previous)}";
        return ImageReplacement.Exec(path, ImageStart.Argv(path, ImageStart.Arguments), env, keep);
    }
}
