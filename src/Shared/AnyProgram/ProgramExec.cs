using System.Runtime.InteropServices;
using FdHandoff.Interop;

namespace FdHandoff.AnyProgram;

/// <summary>
/// The last step of the launcher: places the listeners at descriptors 3, 4, ... (SD_LISTEN_FDS_START) in the
/// order given, clears FD_CLOEXEC on exactly those, and replaces the process image with the program. execve
/// keeps the pid, so the pid the supervisor spawned, LISTEN_PID and the program are one and the same.
/// Every other descriptor of the launcher is CLOEXEC (all of .NET's are) and disappears at the exec.
/// </summary>
internal static class ProgramExec
{
    /// <summary>The first descriptor systemd's protocol passes (SD_LISTEN_FDS_START).</summary>
    public const int FirstListenFd = 3;

    /// <summary>
    /// Execs <paramref name="path"/>. Returns only when the exec failed: the exit code a shell would give
    /// (127 not found, 126 not executable, 1 otherwise) and what went wrong. The listeners
    /// stay owned by their handles until the exec succeeds; the kernel then owns the copies at 3.. for the
    /// program. From the first dup2 on, a descriptor the runtime held at 3..N is a listener instead: after it this
    /// method only makes the remaining dup2 calls and the execve (or builds the failure message), and after a
    /// failed exec the caller only reports it (on a copy of its control connection above 3..N, and on stderr) and
    /// exits; the runtime's other threads are not stopped, and vanish with the image at the exec.
    /// </summary>
    public static (int ExitCode, string Message) Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, IReadOnlyList<SafeHandle> listeners)
    {
        // Everything execve reads is built before any descriptor moves.
        var exec = PreparedExec.Of(path, argv, environment);

        int count = listeners.Count;
        // A descriptor this process inherited without CLOEXEC (from whoever started the supervisor) must not
        // reach the program: like systemd, it gets 0-2 and its listeners, nothing else.
        foreach (int fd in OpenDescriptors())
        {
            if (fd < FirstListenFd + count) continue; // 0-2 stay; 3..N are replaced below
            if (Descriptors.CloseOnExec(fd, out _) != false) continue; // closed since it was listed, or CLOEXEC already
            int errno = Descriptors.TrySetCloseOnExec(fd);
            if (errno != 0) return Fail($"mark inherited descriptor {fd} close-on-exec", errno);
        }
        var raised = new int[count];
        for (int i = 0; i < count; i++)
        {
            // Raised above the target range first, so that placing listener i never overwrites listener j.
            int errno = Descriptors.TryCopyAbove((int)listeners[i].DangerousGetHandle(), FirstListenFd + count, out raised[i]);
            if (errno != 0) return Fail($"copy listener {i} above descriptor {FirstListenFd + count}", errno);
        }
        for (int i = 0; i < count; i++)
        {
            // dup2 leaves FD_CLOEXEC clear on the new descriptor: exactly 3..3+count-1 survive the exec.
            int errno = Descriptors.TryPlace(raised[i], FirstListenFd + i);
            if (errno != 0) return Fail($"place listener {i} at descriptor {FirstListenFd + i}", errno);
        }
        return Fail($"execute {path}", exec.Run());
    }

    /// <summary>
    /// A CLOEXEC copy of <paramref name="fd"/> numbered at least <paramref name="lowest"/>: out of the range the
    /// listeners are placed in, so the launcher can still report a failed exec on its control connection.
    /// </summary>
    public static SafeFd CopyAbove(SafeHandle fd, int lowest)
    {
        using var lease = new DescriptorLease(fd);
        int errno = Descriptors.TryCopyAbove(lease.Fd, lowest, out int copy);
        if (errno != 0) throw new NativeCallException($"copy descriptor {lease.Fd} above {lowest}", errno);
        return new SafeFd(copy);
    }

    private static List<int> OpenDescriptors() =>
        Directory.GetFiles("/proc/self/fd").Select(f => int.TryParse(System.IO.Path.GetFileName(f), out int fd) ? fd : -1).Where(fd => fd >= 0).ToList();

    // The exit code a shell gives for the same failure.
    private static (int, string) Fail(string attempted, int errno)
    {
        int exitCode = errno == UnixError.NoSuchFile ? 127 : errno is UnixError.AccessDenied or UnixError.BadExecutableFormat ? 126 : 1;
        return (exitCode, $"cannot {attempted}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }
}
