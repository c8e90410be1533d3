namespace FdHandoff.Client;

/// <summary>The hand-off from the supervisor failed; the message says at which step and why.</summary>
public sealed class HandoffException(string message, Exception? inner = null) : IOException(message, inner);
