using System.Runtime.InteropServices;

namespace FdHandoff.Listeners;

/// <summary>
/// A listening socket for <see cref="Spec"/> could not be made: what was attempted and the errno.
/// The subclasses name the failures a person can fix (<see cref="AddressInUseException"/> and the like),
/// as Kestrel's AddressInUseException does; this type itself is for the rest.
/// </summary>
internal class ListenerSocketException : IOException
{
    internal ListenerSocketException(ListenerSpec spec, string attempted, int errno)
        : base($"{attempted}: {Marshal.GetPInvokeErrorMessage(errno)}")
    {
        Spec = spec;
        Attempted = attempted;
        Errno = errno;
        HResult = errno;
    }

    public ListenerSpec Spec { get; }

    /// <summary>The call that failed, in words ("bind 127.0.0.1:8080", "bindx 10.0.0.2", "set SO_REUSEADDR").</summary>
    public string Attempted { get; }

    /// <summary>The errno the call failed with.</summary>
    public int Errno { get; }
}
