using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

/// <summary>
/// A failed libc call, carrying errno together with what was attempted and on what,
/// e.g. "Failed to send 3 listeners to worker 4242 (generation 7): Broken pipe".
/// </summary>
internal sealed class NativeCallException : IOException
{
    public NativeCallException(string attempted, int errno)
        : base($"Failed to {attempted}: {Marshal.GetPInvokeErrorMessage(errno)}")
    {
        Attempted = attempted;
        Errno = errno;
        HResult = errno;
    }

    /// <summary>What was attempted, in words ("bind tcp://127.0.0.1:8080").</summary>
    public string Attempted { get; }

    /// <summary>The errno the call failed with.</summary>
    public int Errno { get; }

    /// <summary>Builds the exception from the errno of the last P/Invoke (SetLastError = true).</summary>
    internal static NativeCallException FromLastError(string attempted) =>
        new(attempted, Marshal.GetLastPInvokeError());
}
