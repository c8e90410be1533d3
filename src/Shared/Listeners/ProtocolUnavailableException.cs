namespace FdHandoff.Listeners;

/// <summary>
/// socket(2) failed with EPROTONOSUPPORT or ESOCKTNOSUPPORT: the kernel lacks the protocol
/// (for SCTP, the sctp module is not loaded or not installed).
/// </summary>
internal sealed class ProtocolUnavailableException(ListenerSpec spec, string attempted, int errno)
    : ListenerSocketException(spec, attempted, errno);
