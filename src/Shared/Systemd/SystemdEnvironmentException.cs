namespace FdHandoff.Systemd;

/// <summary>
/// A variable systemd sets (LISTEN_FDS, WATCHDOG_USEC, NOTIFY_SOCKET...) holds something systemd would not
/// write: the process was started by something imitating systemd badly, and guessing would be worse.
/// </summary>
internal sealed class SystemdEnvironmentException(string variable, string? value, string problem)
    : Exception($"{variable}='{value}' {problem}")
{
    /// <summary>The variable's name.</summary>
    public string Variable { get; } = variable;

    /// <summary>What it held.</summary>
    public string? Value { get; } = value;
}
