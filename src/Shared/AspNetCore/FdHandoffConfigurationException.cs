namespace FdHandoff.Client.AspNetCore;

/// <summary>A <c>FdHandoff:*</c> configuration value is wrong; the message is one line that says what to write instead.</summary>
public sealed class FdHandoffConfigurationException(string message) : Exception(message);
