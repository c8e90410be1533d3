using System.Runtime.InteropServices;
using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>
/// execve(2) of this process keeping chosen descriptors: how the supervisor re-executes itself in place (same pid,
/// its children stay its children). Every .NET descriptor is CLOEXEC; FD_CLOEXEC is cleared on exactly the ones to
/// keep, right before the call, so they and nothing else reach the new image (under the same numbers). The caller
/// must keep anything else from starting a child meanwhile: a child spawned in that instant would inherit them.
/// </summary>
internal static class ImageReplacement
{
    /// <summary>
    /// Replaces the image with <paramref name="path"/>. Returns only when that failed: what went wrong, in words;
    /// every descriptor of <paramref name="keep"/> is CLOEXEC again and still owned by its handle.
    /// </summary>
    public static string Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment, IReadOnlyList<SafeHandle> keep)
    {
        var exec = PreparedExec.Of(path, argv, environment);
        var held = new List<SafeHandle>();
        try
        {
            foreach (var handle in keep)
            {
                bool added = false;
                handle.DangerousAddRef(ref added); // no Dispose may close it while it is marked to survive
                held.Add(handle);
                int fd = (int)handle.DangerousGetHandle();
                int errno = Descriptors.TryClearCloseOnExec(fd);
                if (errno != 0) return $"cannot keep descriptor {fd} open across the exec: {Marshal.GetPInvokeErrorMessage(errno)}";
            }
            int failed = exec.Run();
            return $"cannot execute {path}: {Marshal.GetPInvokeErrorMessage(failed)}";
        }
        finally
        {
            // Still here: the exec failed. Back to CLOEXEC, so no child of ours inherits them.
            foreach (var handle in held)
            {
                Descriptors.TrySetCloseOnExec((int)handle.DangerousGetHandle());
                handle.DangerousRelease();
            }
        }
    }
}
