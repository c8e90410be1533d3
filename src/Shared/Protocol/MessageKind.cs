namespace FdHandoff.Protocol;

/// <summary>The kinds of control message; the numbers are on the wire (docs/protocol.md).</summary>
public enum MessageKind : ushort
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

    /// <summary>Admin → supervisor: start a new generation.</summary>
    UpgradeRequest = 16,
    /// <summary>Supervisor → admin: how the upgrade ended.</summary>
    UpgradeResult = 17,
    /// <summary>Admin → supervisor: what is running.</summary>
    StatusRequest = 18,
    /// <summary>Supervisor → admin: generation, workers, listeners.</summary>
    StatusReply = 19,
}
