using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>chown(2); pass uint.MaxValue ((uid_t)-1) for an id to leave it unchanged.</summary>
    [LibraryImport(Name, EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int chown(string path, uint owner, uint group);
}
