namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Settings a reload cannot apply, because what they configure lives for the supervisor's life (the control
/// socket, the metrics endpoint, the pool's restart backoff, the workers' notify socket and watchdog): a reload
/// that changes one is refused, never half-applied. Which keys: those defined with <see cref="SettingKey.StartOnly"/>.
/// </summary>
internal static class StartOnlySettings
{
    public static void Check(SupervisorSettings atStart, SupervisorSettings next)
    {
        foreach (var key in SupervisorSettings.Keys.Where(k => k.StartOnly))
        {
            string before = Shown(key, atStart), after = Shown(key, next);
            if (before != after)
                throw new SupervisorException($"{key.Path} changed ({before} -> {after}) but is read only at start: put back {before}, or restart the supervisor to apply it", SupervisorException.ConfigurationError);
        }
    }

    private static string Shown(SettingKey key, SupervisorSettings settings)
    {
        string written = string.Join(", ", key.Write(settings).Select(kv => kv.Value));
        return written.Length == 0 ? "(none)" : written;
    }
}
