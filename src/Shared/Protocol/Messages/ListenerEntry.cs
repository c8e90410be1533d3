namespace FdHandoff.Protocol;

/// <summary>One listener inside a <see cref="ListenersMessage"/>; its descriptor is at the same index.</summary>
internal sealed record ListenerEntry(string Name, string Address, int Backlog);
