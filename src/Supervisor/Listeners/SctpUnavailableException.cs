using FdHandoff.Listeners;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>The kernel has no SCTP: the message says what failed and how to get the module.</summary>
internal sealed class SctpUnavailableException(ListenerSpec spec) : Exception(
    $"cannot create SCTP listener {spec}: this kernel has no SCTP support (EPROTONOSUPPORT); load the sctp kernel module (modprobe sctp; some distributions ship it in linux-modules-extra), or remove Listeners:{spec.Name}, or set SkipUnavailableSctp=true to start without it");
