namespace FdHandoff.Protocol;

/// <summary>The kinds of control message; the numbers are on the wire (docs/protocol.md).</summary>
internal enum MessageKind : ushort
{
    /// <summary>Worker → supervisor, first message: pid, generation and the one-time token from spawn.</summary>
    Hello = 1,
    /// <summary>Supervisor → worker: a batch of listener names with their descriptors attached.</summary>
    Listeners = 2,
    /// <summary>Worker → supervisor: serving on every listener it was given.</summary>
    Ready = 3,
    /// <summary>Supervisor → worker: stop accepting, finish what is in flight, exit before the deadline.</summary>
    Drain = 4,
    /// <summary>Worker → supervisor: drained, exiting now.</summary>
    Bye = 5,
    /// <summary>Either way: the peer did something wrong; the connection is closed after it.</summary>
    Error = 6,
    /// <summary>Retiring worker → supervisor: one established connection (its descriptor attached) with its state, for the next generation.</summary>
    HandOver = 7,
    /// <summary>Supervisor → retiring worker: the successor took that connection (close your copy), or it could not be placed (keep it).</summary>
    HandOverResult = 8,
    /// <summary>Supervisor → serving worker: an established connection (its descriptor attached) and its state.</summary>
    Connection = 9,
    /// <summary>Serving worker → supervisor: it has taken that connection; the supervisor closes its copy.</summary>
    ConnectionTaken = 10,
    /// <summary>Worker → supervisor: how many connections it has open (for status).</summary>
    Load = 11,
    /// <summary>Launcher → supervisor: execs the program now; the connection closes at the exec (Error if it failed).</summary>
    Exec = 12,
    /// <summary>
    /// Worker → a new supervisor, first message after its supervisor vanished (docs/resilience.md): who it is, with
    /// the token it was spawned with, where it stands, and its listeners' descriptors attached.
    /// </summary>
    Reattach = 13,
    /// <summary>Supervisor → worker: the reattach was accepted; the connection is the worker's control connection from here.</summary>
    Reattached = 14,

    /// <summary>Admin → supervisor: start a new generation.</summary>
    UpgradeRequest = 16,
    /// <summary>Supervisor → admin: how the upgrade ended.</summary>
    UpgradeResult = 17,
    /// <summary>Admin → supervisor: what is running.</summary>
    StatusRequest = 18,
    /// <summary>Supervisor → admin: generation, workers, listeners.</summary>
    StatusReply = 19,
    /// <summary>Admin → supervisor: execute the supervisor binary at its own path in place, keeping everything.</summary>
    ReexecRequest = 20,
    /// <summary>Supervisor (the new image, or the old one if the new could not take over) → admin: how the re-exec ended.</summary>
    ReexecResult = 21,
}
