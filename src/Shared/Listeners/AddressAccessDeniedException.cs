namespace FdHandoff.Listeners;

/// <summary>bind or bindx failed with EACCES: a port below 1024 without root or CAP_NET_BIND_SERVICE.</summary>
internal sealed class AddressAccessDeniedException(ListenerSpec spec, string attempted, int errno)
    : ListenerSocketException(spec, attempted, errno);
