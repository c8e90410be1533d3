namespace FdHandoff.Protocol;

/// <summary>One worker process in a <see cref="StatusReply"/>.</summary>
/// <remarks><see cref="Connections"/> is what the worker last reported (-1: it reports nothing);
/// <see cref="ConnectionsReceived"/> counts the established connections handed over to it; <see cref="Status"/> is the
/// last STATUS= a systemd-protocol worker sent (null otherwise).</remarks>
internal sealed record WorkerStatus(int Slot, int Pid, int Generation, string State, double UptimeSeconds, int Restarts, int Connections = -1, int ConnectionsReceived = 0, string? Status = null);
