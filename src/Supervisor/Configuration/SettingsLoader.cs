namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Reads and checks the configuration before anything is bound or spawned, so a typo costs one clear line and
/// nothing that serves is touched. Every key is read, then every rule checked, by its definition
/// (<see cref="SupervisorSettings.Keys"/>); this class knows no key by name.
/// </summary>
internal static class SettingsLoader
{
    /// <summary>
    /// The settings <paramref name="values"/> give (the file, the variables and the command line merged, or pairs
    /// <see cref="SupervisorSettings.ToPairs"/> wrote), every other key at its default. A SupervisorException
    /// (exit code 2) says what is wrong.
    /// </summary>
    public static SupervisorSettings Load(ConfigurationLayer values)
    {
        ConfigurationSchema.Check(values);
        var settings = SupervisorSettings.Defaults;
        foreach (var key in SupervisorSettings.Keys) settings = key.Read(values, settings);
        Check(settings);
        return settings;
    }

    /// <summary>The rules of every key, in the order of the keys: the first broken one is the one line.</summary>
    public static void Check(SupervisorSettings settings)
    {
        foreach (var key in SupervisorSettings.Keys)
            if (key.Problem(settings) is { } problem)
                throw new SupervisorException(problem, SupervisorException.ConfigurationError);
    }
}
