namespace FdHandoff.Supervisor.Configuration;

/// <summary>What a configuration key holds, and so which values it accepts.</summary>
internal enum ValueKind
{
    /// <summary>A fixed set of child keys (<c>Workers</c>).</summary>
    Section,

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
