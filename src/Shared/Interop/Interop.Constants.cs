namespace FdHandoff.Interop;

// Values from the Linux x86_64/aarch64 headers; a unit test checks them against the C compiler.
internal static partial class Libc
{
    internal const int AF_UNIX = 1;        // socket(7)
    internal const int AF_INET = 2;        // ip(7)
    internal const int AF_INET6 = 10;      // ipv6(7)

    internal const int SOCK_STREAM = 1;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;

    internal const int IPPROTO_TCP = 6;
    internal const int IPPROTO_IPV6 = 41;
    internal const int IPPROTO_SCTP = 132;
    internal const int IPPROTO_UDP = 17;
    internal const int IPPROTO_MPTCP = 262; // mptcp(7), Linux 5.6

    internal const int SOL_SOCKET = 1;
    internal const int SO_REUSEADDR = 2;
    internal const int SO_TYPE = 3;
    internal const int SO_SNDTIMEO = 21;   // socket(7); SO_SNDTIMEO_OLD, a struct timeval of two longs
    internal const int SO_PEERCRED = 17;
    internal const int SO_PASSCRED = 16;   // unix(7): the receiver gets the sender's SCM_CREDENTIALS
    internal const int SO_PEERGROUPS = 59; // socket(7), Linux 4.13: the peer's supplementary groups at connect()
    internal const int SO_ACCEPTCONN = 30;
    internal const int SO_PROTOCOL = 38;
    internal const int SO_DOMAIN = 39;
    internal const int IPV6_V6ONLY = 26;   // ipv6(7)
    internal const int SCTP_SOCKOPT_BINDX_ADD = 100; // linux/sctp.h, what sctp_bindx(3) uses

    internal const int SCM_RIGHTS = 1;     // unix(7)
    internal const int SCM_CREDENTIALS = 2; // unix(7): a struct ucred the kernel checked
    /// <summary>The kernel's limit of descriptors in one SCM_RIGHTS message (SCM_MAX_FD).</summary>
    internal const int SCM_MAX_FD = 253;

    internal const int MSG_CTRUNC = 0x8;
    internal const int MSG_TRUNC = 0x20;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;

    internal const int F_GETFD = 1;        // fcntl(2)
    internal const int F_SETFD = 2;
    internal const int FD_CLOEXEC = 1;
    internal const int F_GETFL = 3;        // fcntl(2): the open file description's status flags
    internal const int F_SETFL = 4;
    internal const int O_NONBLOCK = 0x800;
    internal const int F_DUPFD_CLOEXEC = 1030; // fcntl(2): lowest free descriptor >= arg, CLOEXEC set
    internal const int F_ADD_SEALS = 1033; // F_LINUX_SPECIFIC_BASE + 9, fcntl(2) "File sealing"
    internal const int F_GET_SEALS = 1034;
    internal const int F_SEAL_SEAL = 0x1;
    internal const int F_SEAL_SHRINK = 0x2;
    internal const int F_SEAL_GROW = 0x4;
    internal const int F_SEAL_WRITE = 0x8;

    internal const uint MFD_CLOEXEC = 0x1;         // memfd_create(2)
    internal const uint MFD_ALLOW_SEALING = 0x2;

    internal const short POLLIN = 0x1;     // poll(2)
    internal const short POLLOUT = 0x4;

    internal const int P_PIDFD = 3;        // waitid(2), Linux 5.4
    internal const int WEXITED = 4;
    internal const int WNOHANG = 1;
    internal const int CLD_EXITED = 1;     // sigaction(2): si_code of SIGCHLD
    internal const int ECHILD = 10;
    internal const int EINTR = 4;          // errno(3)
    internal const int EAGAIN = 11;
    internal const int EADDRINUSE = 98;
    internal const int EADDRNOTAVAIL = 99;
    internal const int EPROTONOSUPPORT = 93;
    internal const int ESOCKTNOSUPPORT = 94; // what some kernels answer for a protocol they lack
    internal const int EACCES = 13;
    internal const int ESRCH = 3;
    internal const int ENOENT = 2;
    internal const int EBADF = 9;
    internal const int EMSGSIZE = 90;
    internal const int ENOBUFS = 105;
    internal const int ECONNREFUSED = 111;
    internal const int ERANGE = 34;
    internal const int ENOEXEC = 8;
    internal const int ENOPROTOOPT = 92;   // what socket(IPPROTO_MPTCP) answers when net.mptcp.enabled = 0
    internal const int EEXIST = 17;
    internal const int ENOTDIR = 20;

    internal const int AT_FDCWD = -100;    // statx(2)
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const uint STATX_TYPE = 0x1;
    internal const uint STATX_INO = 0x100;
    internal const uint STATX_CTIME = 0x80;
    internal const int S_IFMT = 0xF000;    // inode(7)
    internal const int S_IFSOCK = 0xC000;
    internal const int S_IFLNK = 0xA000;
    internal const int S_IFREG = 0x8000;
    internal const int S_IFDIR = 0x4000;

    internal const int SIGHUP = 1;         // signal(7)
    internal const int SIGINT = 2;
    internal const int SIGQUIT = 3;
    internal const int SIGKILL = 9;
    internal const int SIGUSR1 = 10;
    internal const int SIGUSR2 = 12;
    internal const int SIGTERM = 15;
    internal const int SIGSTOP = 19;
    internal const int SIGWINCH = 28;
}
