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
    /// <summary>
    /// Milliseconds a worker whose supervisor vanished keeps serving while it waits to be adopted by the next one
    /// (<c>Workers:OrphanTimeout</c>); then it drains. Absent: 60000.
    /// </summary>
    public const string OrphanTimeout = "FDHANDOFF_ORPHAN_TIMEOUT";

    /// <summary>True when this process was started by an FdHandoff supervisor.</summary>
    public static bool IsPresent => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Socket));
}
