namespace FdHandoff.Supervisor.LiveConnections;

/// <summary>What became of the connections a generation's workers handed over (under the router's lock).</summary>
internal sealed class HandOverTally
{
    /// <summary>Taken by a worker of the serving generation.</summary>
    public int Moved { get; set; }

    /// <summary>Nobody could take them; the asking worker kept them and closes them itself.</summary>
    public int Refused { get; set; }

    /// <summary>Nobody could take them and the asking worker was gone: closed by the supervisor.</summary>
    public int Closed { get; set; }

    /// <summary>Why the last connection that was not moved was not ("" when all were).</summary>
    public string LastReason { get; set; } = "";
}
