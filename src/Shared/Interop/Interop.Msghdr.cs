using System.Runtime.InteropServices;

namespace FdHandoff.Interop;

// The layouts of struct msghdr, iovec, cmsghdr and ucred on 64-bit Linux (glibc and musl agree);
// a unit test compiles offsetof/sizeof asserts against the real headers.
internal static partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct iovec
    {
        internal void* iov_base;
        internal nuint iov_len;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct msghdr
    {
        internal void* msg_name;
        internal uint msg_namelen;
        internal iovec* msg_iov;
        internal nuint msg_iovlen;
        internal void* msg_control;
        internal nuint msg_controllen;
        internal int msg_flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct cmsghdr
    {
        internal nuint cmsg_len;
        internal int cmsg_level;
        internal int cmsg_type;
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct ucred
    {
        internal int pid;
        internal uint uid;
        internal uint gid;
    }

    internal static int CMSG_ALIGN(int len) => (len + IntPtr.Size - 1) & ~(IntPtr.Size - 1);
    internal static unsafe int CMSG_LEN(int dataLen) => CMSG_ALIGN(sizeof(cmsghdr)) + dataLen;
    internal static unsafe int CMSG_SPACE(int dataLen) => CMSG_ALIGN(sizeof(cmsghdr)) + CMSG_ALIGN(dataLen);
}
