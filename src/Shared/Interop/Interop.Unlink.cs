using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>unlink(2).</summary>
    [LibraryImport(Name, EntryPoint = "unlink", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int unlink(string path);
}
