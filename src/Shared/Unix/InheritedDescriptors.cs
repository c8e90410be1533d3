using System.Runtime.InteropServices;
using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// Descriptors a process got across an exec (FD_CLOEXEC clear, so they survived it): taken by number, made CLOEXEC
/// at once so no child of this image inherits them, and owned by a <see cref="SafeFd"/> from then on.
/// </summary>
internal static class InheritedDescriptors
{
    /// <summary>Descriptor <paramref name="fd"/>, CLOEXEC, owned by the caller.</summary>
    /// <exception cref="NativeCallException">It is not open.</exception>
    public static SafeFd Take(int fd, string what)
    {
        int errno = Descriptors.TrySetCloseOnExec(fd);
        if (errno != 0) throw new NativeCallException($"take inherited descriptor {fd} ({what})", errno);
        return new SafeFd(fd);
    }

    /// <summary>A CLOEXEC copy of <paramref name="fd"/> (F_DUPFD_CLOEXEC), owned by the caller; the original stays open.</summary>
    public static SafeFd Copy(SafeHandle fd)
    {
        using var lease = new DescriptorLease(fd);
        int errno = Descriptors.TryCopyAbove(lease.Fd, 3, out int copy);
        if (errno != 0) throw new NativeCallException($"copy descriptor {lease.Fd}", errno);
        return new SafeFd(copy);
    }

    /// <summary>A sealed anonymous file holding <paramref name="content"/> (CLOEXEC, the caller owns it): state handed to the next image.</summary>
    public static SafeFd MemoryFile(string name, ReadOnlySpan<byte> content)
    {
        int errno = SealedMemoryFile.TryCreate(name, content, out var file);
        if (errno != 0) throw new NativeCallException($"create the anonymous file {name}", errno);
        return file!;
    }

    /// <summary>Everything in the file <paramref name="fd"/> refers to, read from its start whatever its offset.</summary>
    public static byte[] ReadAll(SafeFd fd) => ReadAll((int)fd.DangerousGetHandle());

    /// <summary>As <see cref="ReadAll(SafeFd)"/>, on a descriptor nobody owns yet: its flags are left as they are.</summary>
    public static byte[] ReadAll(int fd)
    {
        using var file = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false);
        var content = new byte[RandomAccess.GetLength(file)];
        int read = 0;
        while (read < content.Length)
        {
            int n = RandomAccess.Read(file, content.AsSpan(read), read);
            if (n == 0) break;
            read += n;
        }
        return content.AsSpan(0, read).ToArray();
    }

    /// <summary>The number of <paramref name="handle"/>, to name it to the next image (an exec keeps numbers).</summary>
    public static int NumberOf(SafeHandle handle) => (int)handle.DangerousGetHandle();
}
