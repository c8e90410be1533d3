namespace FdHandoff.Protocol;

/// <summary>One worker process in a <see cref="StatusReply"/>.</summary>
public sealed record WorkerStatus(int Slot, int Pid, int Generation, string State, double UptimeSeconds, int Restarts);
