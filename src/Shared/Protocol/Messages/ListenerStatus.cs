namespace FdHandoff.Protocol;

/// <summary>One listener in a <see cref="StatusReply"/>.</summary>
internal sealed record ListenerStatus(string Name, string Address, string Origin);
