namespace FdHandoff.Listeners;

/// <summary>bind, bindx or listen failed with EADDRINUSE: something else listens on the port.</summary>
internal sealed class AddressInUseException(ListenerSpec spec, string attempted, int errno)
    : ListenerSocketException(spec, attempted, errno);
