using System.Runtime.InteropServices;
using System.Text;
using FdHandoff.Interop;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Launch;

/// <summary>
/// The last step of the launcher: places the listeners at descriptors 3, 4, ... (SD_LISTEN_FDS_START) in the
/// order given, clears FD_CLOEXEC on exactly those, and replaces the process image with the program. execve
/// keeps the pid, so the pid the supervisor spawned, LISTEN_PID and the program are one and the same.
/// Every other descriptor of the launcher is CLOEXEC (all of .NET's are) and disappears at the exec.
/// </summary>
internal static unsafe class ProgramExec
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
        byte* file = Utf8(path);
        byte** args = Utf8Array(argv);
        byte** env = Utf8Array(environment);

        int count = listeners.Count;
        // A descriptor this process inherited without CLOEXEC (from whoever started the supervisor) must not
        // reach the program: like systemd, it gets 0-2 and its listeners, nothing else.
        foreach (int fd in OpenDescriptors())
        {
            if (fd < FirstListenFd + count) continue; // 0-2 stay; 3..N are replaced below
            int flags = fcntl(fd, F_GETFD, 0);
            if (flags >= 0 && (flags & FD_CLOEXEC) == 0 && fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0)
                return Fail($"mark inherited descriptor {fd} close-on-exec");
        }
        var raised = new int[count];
        for (int i = 0; i < count; i++)
        {
            // Raised above the target range first, so that placing listener i never overwrites listener j.
            raised[i] = fcntl((int)listeners[i].DangerousGetHandle(), F_DUPFD_CLOEXEC, FirstListenFd + count);
            if (raised[i] < 0) return Fail($"copy listener {i} above descriptor {FirstListenFd + count}");
        }
        for (int i = 0; i < count; i++)
        {
            // dup2 leaves FD_CLOEXEC clear on the new descriptor: exactly 3..3+count-1 survive the exec.
            if (dup2(raised[i], FirstListenFd + i) < 0) return Fail($"place listener {i} at descriptor {FirstListenFd + i}");
        }
        execve(file, args, env);
        return Fail($"execute {path}");
    }

    /// <summary>
    /// A CLOEXEC copy of <paramref name="fd"/> numbered at least <paramref name="lowest"/>: out of the range the
    /// listeners are placed in, so the launcher can still report a failed exec on its control connection.
    /// </summary>
    public static SafeFd CopyAbove(SafeHandle fd, int lowest)
    {
        using var lease = new DescriptorLease(fd);
        int copy = fcntl(lease.Fd, F_DUPFD_CLOEXEC, lowest);
        if (copy < 0) throw NativeCallException.FromLastError($"copy descriptor {lease.Fd} above {lowest}");
        return new SafeFd(copy);
    }

    private static List<int> OpenDescriptors() =>
        Directory.GetFiles("/proc/self/fd").Select(f => int.TryParse(System.IO.Path.GetFileName(f), out int fd) ? fd : -1).Where(fd => fd >= 0).ToList();

    private static (int, string) Fail(string attempted)
    {
        int errno = Marshal.GetLastPInvokeError();
        int exitCode = errno == ENOENT ? 127 : errno is EACCES or ENOEXEC ? 126 : 1;
        return (exitCode, $"cannot {attempted}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }

    // Never freed: on success the image is gone, on failure the launcher exits at once.
    private static byte* Utf8(string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        byte* p = (byte*)NativeMemory.AllocZeroed((nuint)bytes.Length + 1);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }

    private static byte** Utf8Array(IReadOnlyList<string> items)
    {
        byte** array = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(byte*));
        for (int i = 0; i < items.Count; i++) array[i] = Utf8(items[i]);
        return array;
    }
}
