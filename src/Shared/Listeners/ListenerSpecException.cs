namespace FdHandoff.Listeners;

/// <summary>A listener spec a person typed is malformed; the message says what is wrong and gives the form.</summary>
public sealed class ListenerSpecException(string message) : FormatException(message);
