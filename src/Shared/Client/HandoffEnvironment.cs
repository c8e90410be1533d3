namespace FdHandoff.Client;

/// <summary>The environment a supervisor gives each worker it spawns.</summary>
public static class HandoffEnvironment
{
    /// <summary>Path of the supervisor's control socket.</summary>
    public const string Socket = "FDHANDOFF_SOCKET";
    /// <summary>One-time token the worker presents in its Hello; good for this worker process only.</summary>
    public const string Token = "FDHANDOFF_TOKEN";
    /// <summary>The generation the worker was spawned for.</summary>
    public const string Generation = "FDHANDOFF_GENERATION";
    /// <summary>The worker's slot in its generation (0..count-1), for logs.</summary>
    public const string Slot = "FDHANDOFF_SLOT";

    /// <summary>True when this process was started by an FdHandoff supervisor.</summary>
    public static bool IsPresent => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Socket));
}
