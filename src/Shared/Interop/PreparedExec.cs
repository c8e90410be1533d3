using System.Runtime.InteropServices;
using System.Text;
using static FdHandoff.Interop.Libc;

namespace FdHandoff.Interop;

/// <summary>
/// An execve(2) built ahead of time: the NUL-terminated path and the NULL-terminated argv and envp arrays it reads,
/// made before the caller moves any descriptor, so that the exec itself only makes the call. Never freed: on
/// success the image is gone, on failure the launcher exits at once.
/// </summary>
internal readonly unsafe struct PreparedExec
{
    private readonly byte* _path;
    private readonly byte** _argv;
    private readonly byte** _envp;

    private PreparedExec(byte* path, byte** argv, byte** envp)
    {
        _path = path;
        _argv = argv;
        _envp = envp;
    }

    /// <summary>Encodes <paramref name="path"/>, <paramref name="argv"/> and <paramref name="environment"/> (UTF-8).</summary>
    internal static PreparedExec Of(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment) =>
        new(Utf8(path), Utf8Array(argv), Utf8Array(environment));

    /// <summary>Replaces the process image, keeping the pid. Returns only when that failed: the errno.</summary>
    internal int Run()
    {
        execve(_path, _argv, _envp);
        return Marshal.GetLastPInvokeError();
    }

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
