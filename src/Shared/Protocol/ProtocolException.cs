namespace FdHandoff.Protocol;

/// <summary>A control message that breaks the protocol: truncated, oversized, of another version or kind.</summary>
internal sealed class ProtocolException(string message) : IOException(message);
