namespace FdHandoff.Client.AspNetCore;

/// <summary>An <c>FdHandoffWorker:*</c> configuration value (or the matching <see cref="FdHandoffOptions"/> set in code) is wrong; the message is one line that says what to write instead.</summary>
public sealed class FdHandoffConfigurationException(string message) : Exception(message);
