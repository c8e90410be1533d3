namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// A rule a key's typed value must keep: null when it does, else the one line saying what is wrong and what to
/// write. <paramref name="settings"/> is all of the settings, for the rules that look at another key too.
/// </summary>
internal delegate string? SettingRule<in T>(T value, SupervisorSettings settings);
