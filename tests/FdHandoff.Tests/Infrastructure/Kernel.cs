using System.Runtime.InteropServices;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>What the running kernel offers.</summary>
public static partial class Kernel
{
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    /// <summary>True when socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP) works here.</summary>
    public static bool HasSctp { get; } = Probe();

    private static bool Probe()
    {
        int fd = socket(2, 1, 132);
        if (fd < 0) return false;
        close(fd);
        return true;
    }
}
