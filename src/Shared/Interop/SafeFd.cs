using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

/// <summary>
/// Owns one file descriptor and closes it exactly once. Received descriptors start their life here;
/// <see cref="Release"/> hands ownership on (to a <see cref="System.Net.Sockets.SafeSocketHandle"/>, say).
/// </summary>
internal sealed class SafeFd : SafeHandle
{
    public SafeFd(int fd) : base(new IntPtr(-1), ownsHandle: true) => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor number; still owned by this handle.</summary>
    public int Value => (int)handle.ToInt64();

    /// <summary>Gives up ownership: the caller now owns the descriptor and must close it.</summary>
    public int Release()
    {
        int fd = Value;
        SetHandleAsInvalid();
        return fd;
    }

    protected override bool ReleaseHandle() => Libc.close((int)handle.ToInt64()) == 0;
}
