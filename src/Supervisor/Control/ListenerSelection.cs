using FdHandoff.Supervisor.Listeners;

namespace FdHandoff.Supervisor.Control;

/// <summary>
/// Which listeners a worker gets, in which order: the ones <c>Workers:Listeners</c> names, in its order, or
/// else all of them, sorted by name (as <c>SupervisorSettings.Listeners</c> is). In systemd mode that order is fd 3, 4, ...
/// </summary>
internal static class ListenerSelection
{
    public static IReadOnlyList<BoundListener> Of(IReadOnlyList<BoundListener> all, IReadOnlyList<string> names)
    {
        if (names.Count == 0) return all;
        // A named listener that is not held (an SCTP one skipped where the kernel has none) is left out.
        return names.Select(n => all.FirstOrDefault(l => l.Spec.Name == n)).OfType<BoundListener>().ToList();
    }
}
