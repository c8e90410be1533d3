using FdHandoff.Interop;

namespace FdHandoff.Listeners;

/// <summary>Something that is not a socket (a file, a directory, a symlink) is at a unix listener's path: never removed.</summary>
internal sealed class UnixPathOccupiedException(ListenerSpec spec, string kind)
    : ListenerSocketException(spec, $"bind {spec.Path}", UnixError.FileExists)
{
    /// <summary>What is there: "a regular file", "a directory", "a symlink"...</summary>
    public string Kind { get; } = kind;
}
