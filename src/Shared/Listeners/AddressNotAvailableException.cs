namespace FdHandoff.Listeners;

/// <summary>bind or bindx failed with EADDRNOTAVAIL: the address is not one of this host's.</summary>
internal sealed class AddressNotAvailableException(ListenerSpec spec, string attempted, int errno)
    : ListenerSocketException(spec, attempted, errno);
