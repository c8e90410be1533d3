using FdHandoff.Interop;
using Microsoft.Win32.SafeHandles;

namespace FdHandoff.Tests.Journal;

/// <summary>Reads a received memfd whole, from offset 0: the sender's writes left the shared file offset at the end.</summary>
internal static class MemfdContent
{
    public static byte[] Read(SafeFd fd)
    {
        using var file = new SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: false); // fd stays owned by the SafeFd
        long length = RandomAccess.GetLength(file);
        var content = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(file, content.AsSpan(read), read);
            Assert.True(n > 0, "memfd ended early");
            read += n;
        }
        return content;
    }

    /// <summary>The seals on a memfd (F_GET_SEALS).</summary>
    public static int Seals(SafeFd fd) => Libc.fcntl(fd.Value, Libc.F_GET_SEALS, 0);
}
