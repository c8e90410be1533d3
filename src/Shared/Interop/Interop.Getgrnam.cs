using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>struct group (grp.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct group
    {
        internal byte* gr_name;
        internal byte* gr_passwd;
        internal uint gr_gid;
        internal byte** gr_mem;
    }

    /// <summary>getgrnam(3): null when no such group. Not thread-safe (static buffer): for start-up only.</summary>
    [LibraryImport(Name, EntryPoint = "getgrnam", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static unsafe partial group* getgrnam(string name);
}
