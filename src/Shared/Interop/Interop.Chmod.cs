using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

internal static partial class Libc
{
    /// <summary>chmod(2).</summary>
    [LibraryImport(Name, EntryPoint = "chmod", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    internal static partial int chmod(string path, uint mode);
}
