using System.Runtime.InteropServices;
using System.Text.Json;
using FdHandoff.Interop;
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

    private readonly Lock _lock = new();
    private readonly Dictionary<string, SafeFd> _originals;
    private readonly HashSet<string> _taken = [];
    private readonly SafeFd? _handOffFile;

    // Every passed descriptor is made CLOEXEC and owned here at once, before anything of this image can start a child.
    private RestoredImage(ReexecHandOff? handOff, SafeFd? handOffFile)
    {
        HandOff = handOff;
        _handOffFile = handOffFile;
        _originals = handOff?.Descriptors.ToDictionary(d => d.Name, d => InheritedDescriptors.Take(d.Fd, d.Name)) ?? [];
    }

    public static RestoredImage None { get; } = new(null, null);

    /// <summary>The previous image's hand-off, or null for a fresh start.</summary>
    public ReexecHandOff? HandOff { get; }

    public bool IsRestored => HandOff is not null;

    /// <summary>This image has started: what it took is its own, the originals are closed.</summary>
    public bool Committed { get; private set; }

    /// <summary>The hand-off named by <see cref="StateVariable"/>, or <see cref="None"/>.</summary>
    public static RestoredImage FromEnvironment()
    {
        string? named = Environment.GetEnvironmentVariable(StateVariable);
        if (string.IsNullOrEmpty(named)) return None;
        Environment.SetEnvironmentVariable(StateVariable, null);
        if (!int.TryParse(named, out int fd))
            throw new SupervisorException($"{StateVariable}={named} is not a descriptor number: it is for the supervisor's own re-exec only");
        var file = InheritedDescriptors.Take(fd, "the re-exec hand-off");
        return new RestoredImage(Read(InheritedDescriptors.ReadAll(file)), file);
    }

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
            var leftovers = _originals.Keys.Where(n => !_taken.Contains(n) && n != "previous-image").Order(StringComparer.Ordinal).ToList();
            foreach (var fd in _originals.Values) fd.Dispose();
            _handOffFile?.Dispose();
            return leftovers;
        }
    }

    /// <summary>
    /// This image could not start: execs the previous executable (passed as <c>previous-image</c>) with the same
    /// descriptors and state and <paramref name="why"/>. Returns only when that failed too: why.
    /// </summary>
    public string FallBack(string why, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        if (HandOff is null || Committed) return "nothing to fall back to";
        if (HandOff.Fallback is not null) return $"the previous executable failed too ({HandOff.Fallback})";
        if (!_originals.TryGetValue("previous-image", out var previous)) return "the previous executable was not kept open";
        var again = HandOff with { Fallback = why };
        var file = InheritedDescriptors.MemoryFile("fdhandoff-reexec", JsonSerializer.SerializeToUtf8Bytes(again, ReexecJson.Default.ReexecHandOff));
        var keep = new List<SafeHandle>(_originals.Values) { file };
        var env = environment.Where(e => !e.StartsWith(StateVariable + "=", StringComparison.Ordinal))
            .Append($"{StateVariable}={InheritedDescriptors.NumberOf(file)}").ToList();
        return ImageReplacement.Exec($"/proc/self/fd/{InheritedDescriptors.NumberOf(previous)}", argv, env, keep);
    }
}
