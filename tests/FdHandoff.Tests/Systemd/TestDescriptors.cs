using System.Runtime.InteropServices;

namespace FdHandoff.Tests.Systemd;

/// <summary>Puts descriptors at chosen numbers, the way systemd lays them out from fd 3 for an activated service.</summary>
internal static partial class TestDescriptors
{
    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int dup2(int oldfd, int newfd);

    /// <summary>
    /// Duplicates <paramref name="fds"/> to consecutive numbers from a free high number up, without CLOEXEC
    /// (as a child of systemd receives them), and returns the first. The caller owns the copies. dup2 would
    /// silently replace an open descriptor, hence the check for a free run far above what tests open.
    /// </summary>
    public static int DuplicateConsecutively(params SafeHandle[] fds)
    {
        for (int first = 700; first < 1000; first += 17)
        {
            if (Enumerable.Range(first, fds.Length).Any(n => File.Exists($"/proc/self/fd/{n}") || Directory.Exists($"/proc/self/fd/{n}"))) continue;
            for (int i = 0; i < fds.Length; i++)
                if (dup2((int)fds[i].DangerousGetHandle(), first + i) < 0)
                    throw new IOException($"dup2 to {first + i} failed: {Marshal.GetLastPInvokeError()}");
            return first;
        }
        throw new InvalidOperationException("no free run of descriptor numbers between 700 and 1000");
    }

    /// <summary>The kernel object behind a descriptor ("socket:[12345]"): equal for two copies of one socket.</summary>
    public static string? Identity(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget;

    public static bool IsOpen(int fd) => new FileInfo($"/proc/self/fd/{fd}").LinkTarget is not null;
}
