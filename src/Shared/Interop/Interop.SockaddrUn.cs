using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>struct sockaddr_un (unix(7)): the address of an AF_UNIX socket, a path or an abstract name.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct sockaddr_un
    {
        internal ushort sun_family;
        internal fixed byte sun_path[SUN_PATH_LENGTH];
    }

    /// <summary>sizeof(((struct sockaddr_un*)0)->sun_path).</summary>
    internal const int SUN_PATH_LENGTH = 108;
}
