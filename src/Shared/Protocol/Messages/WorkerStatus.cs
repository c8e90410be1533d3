namespace FdHandoff.Protocol;

/// <summary>One worker process in a <see cref="StatusReply"/>.</summary>
/// <remarks><see cref="Connections"/> is what the worker last reported (-1: it reports nothing);
/// <see cref="ConnectionsReceived"/> counts the established connections handed over to it.</remarks>
internal sealed record WorkerStatus(int Slot, int Pid, int Generation, string State, double UptimeSeconds, int Restarts, int Connections = -1, int ConnectionsReceived = 0);
