using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>getsockopt(2).</summary>
    [LibraryImport(Name, EntryPoint = "getsockopt", SetLastError = true)]
    internal static unsafe partial int getsockopt(int fd, int level, int optname, void* optval, ref uint optlen);

    /// <summary>setsockopt(2).</summary>
    [LibraryImport(Name, EntryPoint = "setsockopt", SetLastError = true)]
    internal static unsafe partial int setsockopt(int fd, int level, int optname, void* optval, uint optlen);
}
