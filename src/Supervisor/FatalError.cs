namespace FdHandoff.Supervisor;

/// <summary>Turns what stopped the supervisor into the one line a person reads and an exit code.</summary>
internal static class FatalError
{
    public static (string Message, int ExitCode)? Describe(Exception e) => e switch
    {
        SupervisorException s => (s.Message, s.ExitCode),
        // What systemd put in LISTEN_FDS, NOTIFY_SOCKET or WATCHDOG_USEC cannot be used.
        FdHandoff.Systemd.SystemdEnvironmentException s => (s.Message, SupervisorException.ConfigurationError),
        FdHandoff.Interop.NativeCallException n => (n.Message, 1),
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        // Configuration binding (e.g. Workers:Count=abc) reports the key and the value.
        InvalidOperationException { InnerException: FormatException or InvalidCastException or OverflowException } i =>
            ($"configuration error: {i.Message} {i.InnerException!.Message}", SupervisorException.ConfigurationError),
        _ => null,
    };
}
