using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>The kernel has no SCTP: the message says what failed and how to get the module.</summary>
public sealed class SctpUnavailableException(ListenerSpec spec) : Exception(
    $"cannot create SCTP listener {spec}: this kernel has no SCTP support (EPROTONOSUPPORT); load the sctp kernel module (modprobe sctp, package linux-modules-extra on some distributions) or remove Listeners:{spec.Name}");
