using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

/// <summary>
/// Borrows the descriptor of a <see cref="SafeHandle"/> for native calls: the reference it takes
/// (DangerousAddRef) keeps another thread's Dispose from closing the descriptor, and the number
/// from being reused for something else, until this lease is disposed. The handle keeps ownership.
/// </summary>
internal ref struct DescriptorLease
{
    private readonly SafeHandle _handle;
    private bool _added;

    /// <exception cref="ObjectDisposedException">The handle is closed already.</exception>
    internal DescriptorLease(SafeHandle handle)
    {
        _handle = handle;
        handle.DangerousAddRef(ref _added);
        Fd = (int)handle.DangerousGetHandle();
    }

    /// <summary>The descriptor number, valid until <see cref="Dispose"/>.</summary>
    internal int Fd { get; }

    public void Dispose()
    {
        if (_added) _handle.DangerousRelease();
        _added = false;
    }
}
