using System.Globalization;
using FdHandoff.Interop;

namespace FdHandoff.Systemd;

/// <summary>
/// Adopts the descriptors systemd passes to a socket-activated service, as sd_listen_fds_with_names(3)
/// does: LISTEN_FDS descriptors from fd 3 on, named by LISTEN_FDNAMES, meant for the process named by
/// LISTEN_PID. Unlike Kestrel's UseSystemd(), keeps the names, so listeners can be matched by name.
/// </summary>
internal static class ListenFds
{
    /// <summary>The first passed descriptor (SD_LISTEN_FDS_START); 0-2 are stdin, stdout and stderr.</summary>
    public const int FirstFd = 3;

    /// <summary>The name systemd reports for a descriptor without one.</summary>
    public const string UnknownName = "unknown";

    private const string PidVariable = "LISTEN_PID";
    private const string FdsVariable = "LISTEN_FDS";
    private const string NamesVariable = "LISTEN_FDNAMES";

    /// <summary>
    /// Takes ownership of the passed descriptors, in order, each set CLOEXEC so that workers spawned later
    /// do not inherit them by accident. Empty when systemd passed nothing or passed it to another process
    /// (LISTEN_PID is not ours: we inherited the variables from a parent). LISTEN_PID, LISTEN_FDS and
    /// LISTEN_FDNAMES are removed from the environment .NET gives child processes in every case, so a
    /// worker cannot adopt descriptors meant for the supervisor. Call once, early.
    /// </summary>
    /// <exception cref="SystemdEnvironmentException">A variable holds something systemd would not write, or
    /// LISTEN_FDNAMES names a different number of descriptors than LISTEN_FDS.</exception>
    /// <exception cref="NativeCallException">A descriptor LISTEN_FDS promises is not open.</exception>
    public static IReadOnlyList<ActivatedFd> Take()
    {
        try
        {
            return Take(
                Environment.GetEnvironmentVariable(PidVariable),
                Environment.GetEnvironmentVariable(FdsVariable),
                Environment.GetEnvironmentVariable(NamesVariable),
                Environment.ProcessId,
                FirstFd);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PidVariable, null);
            Environment.SetEnvironmentVariable(FdsVariable, null);
            Environment.SetEnvironmentVariable(NamesVariable, null);
        }
    }

    // For testing: takes the variables' values, our pid and where the descriptors start.
    internal static IReadOnlyList<ActivatedFd> Take(string? listenPid, string? listenFds, string? listenFdNames, int ourPid, int firstFd)
    {
        var names = Parse(listenPid, listenFds, listenFdNames, ourPid);
        if (names.Length == 0) return [];

        // CLOEXEC on all of them before owning any: if one is not open, the variables lie and we must not
        // close descriptor numbers that belong to something else.
        for (int i = 0; i < names.Length; i++)
        {
            int fd = firstFd + i;
            int errno = Descriptors.TrySetCloseOnExec(fd);
            if (errno != 0) throw new NativeCallException($"adopt fd {fd} ({names[i]}) passed by systemd in {FdsVariable}={listenFds}", errno);
        }

        var adopted = new ActivatedFd[names.Length];
        for (int i = 0; i < names.Length; i++)
            adopted[i] = new ActivatedFd(names[i], new SafeFd(firstFd + i)); // ours from here on
        return adopted;
    }

    /// <summary>The names of the descriptors meant for <paramref name="ourPid"/>, one per descriptor; empty when none are.</summary>
    internal static string[] Parse(string? listenPid, string? listenFds, string? listenFdNames, int ourPid)
    {
        if (string.IsNullOrEmpty(listenPid)) return [];
        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0)
            throw new SystemdEnvironmentException(PidVariable, listenPid, "is not a process id");
        if (pid != ourPid) return []; // passed to the process we inherited the environment from

        if (string.IsNullOrEmpty(listenFds)) return [];
        if (!int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count > int.MaxValue - FirstFd)
            throw new SystemdEnvironmentException(FdsVariable, listenFds, "is not a count of descriptors");
        if (count == 0) return [];

        if (listenFdNames is null) return Enumerable.Repeat(UnknownName, count).ToArray();
        var names = listenFdNames.Split(':');
        if (names.Length != count)
            throw new SystemdEnvironmentException(NamesVariable, listenFdNames, $"names {names.Length} descriptors but {FdsVariable}={listenFds}");
        return names;
    }
}
