using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Counts the live child processes of one process (a supervisor's workers) from the kernel's own process
/// events (the netlink proc connector: fork and exit of every task), in the order the kernel sent them.
/// Sampling /proc can miss a short overlap; this cannot: a child's last thread reports its exit before the
/// parent can reap it, so before the parent can spawn the next child. A child counts as alive from its fork
/// until the exit of its last thread (a worker's threads are tracked by tid). Needs CAP_NET_ADMIN (root).
/// </summary>
internal sealed partial class ChildProcessWatch : IDisposable
{
    private const int AF_NETLINK = 16, SOCK_DGRAM = 2, SOCK_CLOEXEC = 0x80000, NETLINK_CONNECTOR = 11;
    private const int SOL_SOCKET = 1, SO_RCVBUFFORCE = 33;
    private const uint CN_IDX_PROC = 1, CN_VAL_PROC = 1, PROC_CN_MCAST_LISTEN = 1;
    private const uint PROC_EVENT_FORK = 0x1, PROC_EVENT_EXIT = 0x80000000;
    private const ushort NLMSG_DONE = 3;
    private const short POLLIN = 0x1;
    private const int ENOBUFS = 105, EINTR = 4, EAGAIN = 11;
    // nlmsghdr (16 bytes), then cn_msg (20), then proc_event: what, cpu, timestamp_ns, event_data.
    private const int EventOffset = 16 + 20, DataOffset = EventOffset + 16;

    private readonly int _parent;
    private readonly int _fd;
    private readonly Thread _reader;
    private volatile bool _stop;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, HashSet<int>> _threads = []; // child pid -> its live tids
    private readonly List<(IReadOnlySet<int> Pids, TaskCompletionSource Done)> _waiters = [];
    private int _peak;
    private IReadOnlyList<int> _peakPids = [];
    private string? _failure;

    private ChildProcessWatch(int parent, int fd)
    {
        _parent = parent;
        _fd = fd;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"proc events of {parent}" };
    }

    /// <summary>Starts watching <paramref name="parentPid"/>'s children; the ones it has now count from the start.</summary>
    public static ChildProcessWatch Start(int parentPid)
    {
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_CONNECTOR);
        if (fd < 0) throw new InvalidOperationException($"netlink connector socket: errno {Marshal.GetLastPInvokeError()}");
        var watch = new ChildProcessWatch(parentPid, fd);
        try
        {
            // Room for bursts: other processes on the machine fork and exit too, and every event reaches us.
            int size = 16 << 20;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, ref size, sizeof(int));
            Span<byte> address = stackalloc byte[12];
            address.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(address, AF_NETLINK);
            BinaryPrimitives.WriteUInt32LittleEndian(address[8..], CN_IDX_PROC); // nl_groups
            if (bind(fd, address, address.Length) != 0)
                throw new InvalidOperationException($"netlink connector bind: errno {Marshal.GetLastPInvokeError()} (needs CAP_NET_ADMIN)");
            Span<byte> listen = stackalloc byte[EventOffset + 4];
            listen.Clear();
            BinaryPrimitives.WriteUInt32LittleEndian(listen, (uint)listen.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(listen[4..], NLMSG_DONE);
            BinaryPrimitives.WriteUInt32LittleEndian(listen[12..], (uint)Environment.ProcessId);
            BinaryPrimitives.WriteUInt32LittleEndian(listen[16..], CN_IDX_PROC);
            BinaryPrimitives.WriteUInt32LittleEndian(listen[20..], CN_VAL_PROC);
            BinaryPrimitives.WriteUInt16LittleEndian(listen[32..], 4); // cn_msg.len
            BinaryPrimitives.WriteUInt32LittleEndian(listen[EventOffset..], PROC_CN_MCAST_LISTEN);
            if (send(fd, listen, listen.Length, 0) != listen.Length)
                throw new InvalidOperationException($"netlink connector listen: errno {Marshal.GetLastPInvokeError()}");
            // Subscribed first, then the children of now: a change in between is in the queue and applies after.
            watch.Seed();
            watch._reader.Start();
            return watch;
        }
        catch
        {
            close(fd);
            throw;
        }
    }

    /// <summary>The most children alive at any moment since the start.</summary>
    public int Peak { get { lock (_lock) return _peak; } }

    /// <summary>The children alive at that moment.</summary>
    public IReadOnlyList<int> PeakPids { get { lock (_lock) return _peakPids; } }

    /// <summary>Why the count cannot be trusted (events lost, the socket failed); null while it can.</summary>
    public string? Failure { get { lock (_lock) return _failure; } }

    /// <summary>Waits until exactly <paramref name="pids"/> are alive: every event up to that state is counted.</summary>
    public async Task WaitForAliveAsync(IReadOnlySet<int> pids, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (AliveLocked().SetEquals(pids)) return;
            _waiters.Add((pids, done));
        }
        try
        {
            await done.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            lock (_lock)
                throw new TimeoutException($"children of {_parent} alive: {string.Join(", ", AliveLocked().Order())}, expected {string.Join(", ", pids.Order())}; {_failure}");
        }
    }

    private void Seed()
    {
        foreach (string task in Directory.GetDirectories($"/proc/{_parent}/task"))
        {
            string children;
            try { children = File.ReadAllText(Path.Combine(task, "children")); }
            catch (IOException) { continue; }
            foreach (var pid in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
            {
                var tids = _threads[pid] = [];
                try
                {
                    foreach (string tid in Directory.GetDirectories($"/proc/{pid}/task")) tids.Add(int.Parse(Path.GetFileName(tid)));
                }
                catch (DirectoryNotFoundException) { _threads.Remove(pid); }
            }
        }
        Count();
    }

    private void ReadLoop()
    {
        var buffer = new byte[64 * 1024];
        var poll = new pollfd { fd = _fd, events = POLLIN };
        while (!_stop)
        {
            // Waits on the socket; the timeout only lets Dispose end the thread.
            if (Poll(ref poll, 200) <= 0) continue;
            int n = (int)recv(_fd, buffer, buffer.Length, 0);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is EINTR or EAGAIN) continue;
                lock (_lock) _failure ??= errno == ENOBUFS ? "process events were lost (receive queue overflow)" : $"recv failed: errno {errno}";
                return;
            }
            for (int offset = 0; offset + DataOffset <= n;)
            {
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(offset));
                if (length < DataOffset || offset + length > n) break;
                Apply(buffer.AsSpan(offset, length));
                offset += (length + 3) & ~3;
            }
        }
    }

    private void Apply(ReadOnlySpan<byte> message)
    {
        uint what = BinaryPrimitives.ReadUInt32LittleEndian(message[EventOffset..]);
        var data = message[DataOffset..];
        lock (_lock)
        {
            if (what == PROC_EVENT_FORK && data.Length >= 16)
            {
                int parentTgid = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
                int childPid = BinaryPrimitives.ReadInt32LittleEndian(data[8..]);
                int childTgid = BinaryPrimitives.ReadInt32LittleEndian(data[12..]);
                if (childPid == childTgid && parentTgid == _parent) _threads[childPid] = [childPid];
                else if (childPid != childTgid && _threads.TryGetValue(childTgid, out var tids)) tids.Add(childPid);
                else return;
            }
            else if (what == PROC_EVENT_EXIT && data.Length >= 8)
            {
                int pid = BinaryPrimitives.ReadInt32LittleEndian(data);
                int tgid = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
                if (!_threads.TryGetValue(tgid, out var tids) || !tids.Remove(pid)) return;
                if (tids.Count == 0) _threads.Remove(tgid);
            }
            else return;
            Count();
        }
    }

    private void Count()
    {
        // A child whose /proc entry is gone has been reaped: certainly not alive, whatever thread ids are still
        // on its list. (Seen once under load: a worker counted alive after the supervisor had reaped it, one of
        // its seeded thread ids never reporting an exit.) A live or zombie child keeps its /proc entry, so this
        // cannot hide an overlap that exists when the event is read.
        foreach (int reaped in _threads.Keys.Where(pid => !Directory.Exists($"/proc/{pid}")).ToList())
            _threads.Remove(reaped);
        var alive = AliveLocked();
        if (alive.Count > _peak)
        {
            _peak = alive.Count;
            _peakPids = alive.Order().ToList();
        }
        foreach (var w in _waiters.Where(w => alive.SetEquals(w.Pids)).ToList())
        {
            w.Done.TrySetResult();
            _waiters.Remove(w);
        }
    }

    private HashSet<int> AliveLocked() => _threads.Keys.ToHashSet();

    public void Dispose()
    {
        _stop = true;
        _reader.Join();
        close(_fd);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct pollfd
    {
        public int fd;
        public short events;
        public short revents;
    }

    private static unsafe int Poll(ref pollfd fd, int timeoutMs)
    {
        fixed (pollfd* p = &fd) return poll(p, 1, timeoutMs);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setsockopt(int fd, int level, int name, ref int value, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, ReadOnlySpan<byte> address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, ReadOnlySpan<byte> buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte[] buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int poll(pollfd* fds, nuint count, int timeout);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
