namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// An admin request the old image accepted and did not answer yet (the re-exec itself, an upgrade waiting behind it):
/// the new image answers it on the connection passed as <paramref name="Descriptor"/>.
/// </summary>
/// <param name="Kind">"reexec" or "upgrade".</param>
internal sealed record PendingAdminRecord(string Kind, string Descriptor, string Reason, int PeerPid);
