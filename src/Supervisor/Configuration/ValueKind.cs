namespace FdHandoff.Supervisor.Configuration;

/// <summary>What a configuration key holds, and so which values it accepts. A section (<c>Workers</c>) is not a key: it is any path a key's path goes through.</summary>
internal enum ValueKind
{
    /// <summary>Children of any name, each a string (<c>Listeners</c>, <c>Workers:Environment</c>).</summary>
    Map,

    /// <summary>Children 0, 1, 2 ... each a string (<c>Workers:Args</c>).</summary>
    List,

    Text,
    WholeNumber,

    /// <summary>A decimal number (<c>Workers:WatchdogSec</c>: seconds, as systemd's WatchdogSec=).</summary>
    Number,

    /// <summary>A TimeSpan written hh:mm:ss: a bare number would read as days.</summary>
    Duration,

    Flag,
}
