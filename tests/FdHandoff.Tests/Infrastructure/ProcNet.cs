using System.Globalization;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>What /proc says about sockets: which inodes listen on a port, which fds a process holds.</summary>
public static class ProcNet
{
    public sealed record SocketDescriptor(int Fd, long Inode, bool CloseOnExec);

    /// <summary>Inodes of sockets in LISTEN on <paramref name="port"/> (TCP, v4 and v6).</summary>
    public static IEnumerable<long> ListeningInodes(int port)
    {
        foreach (string file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (string line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                int localPort = int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber);
                if (localPort == port && f[3] == "0A") yield return long.Parse(f[9]);
            }
        }
    }

    /// <summary>The socket descriptors of <paramref name="pid"/> with their inode and O_CLOEXEC flag.</summary>
    public static IEnumerable<SocketDescriptor> SocketDescriptors(int pid)
    {
        foreach (string path in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            string target;
            try { target = new FileInfo(path).LinkTarget ?? ""; }
            catch (IOException) { continue; }
            if (!target.StartsWith("socket:[")) continue;
            int fd = int.Parse(Path.GetFileName(path));
            long inode = long.Parse(target[8..^1]);
            string flags = File.ReadLines($"/proc/{pid}/fdinfo/{fd}").First(l => l.StartsWith("flags:"))[6..].Trim();
            bool cloexec = (Convert.ToInt64(flags, 8) & 0x80000 /* O_CLOEXEC = 02000000 */) != 0;
            yield return new SocketDescriptor(fd, inode, cloexec);
        }
    }
}
