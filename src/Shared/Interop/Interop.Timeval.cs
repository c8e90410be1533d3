using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>struct timeval on 64-bit Linux, as SO_SNDTIMEO takes it.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct timeval
    {
        internal long tv_sec;
        internal long tv_usec;
    }
}
