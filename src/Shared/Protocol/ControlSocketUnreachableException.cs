namespace FdHandoff.Protocol;

/// <summary>Nothing answers on the control socket path; the message says what to check.</summary>
internal sealed class ControlSocketUnreachableException(string message, Exception? inner = null) : IOException(message, inner);
