using System.Collections;
using System.Net.Sockets;
using FdHandoff.AnyProgram;
using FdHandoff.Client;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Unix;

namespace FdHandoff.Supervisor.AnyProgram;

/// <summary>
/// The hidden launch mode of <c>fdhandoff</c> (<c>fdhandoff --fdhandoff-launch PROGRAM ARGS...</c>), what a
/// systemd-protocol worker starts as: it starts a session of its own, proves itself on the control socket
/// with its token like any worker, receives the listeners there, tells the supervisor it execs, and execs
/// PROGRAM with the listeners at fd 3.. and systemd's variables. The pid stays the one the supervisor spawned.
/// Why a launcher rather than posix_spawn: docs/any-program.md.
/// </summary>
internal static class Launcher
{
    /// <summary>The first argument that selects this mode; not meant to be typed by people.</summary>
    public const string Flag = "--fdhandoff-launch";

    /// <summary>Our variables: for the launcher only, never for the program (the token is for one Hello).</summary>
    private static readonly string[] OursOnly =
        [HandoffEnvironment.Socket, HandoffEnvironment.Token, HandoffEnvironment.Generation, HandoffEnvironment.Slot, HandoffEnvironment.OrphanTimeout];

    public static bool IsLaunch(string[] args) => args.Length > 0 && args[0] == Flag;

    /// <summary>Returns only when the launch failed: 127 (program missing), 126 (cannot execute it), 1 otherwise.</summary>
    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine($"fdhandoff: {Flag} is for the supervisor's own use: {Flag} PROGRAM [ARGS...] under a supervisor");
            return 2;
        }
        string program = args[1];
        try
        {
            // First: the group and session the supervisor drains and kills as one are numbered as our pid.
            ProcessGroups.StartSession();

            string socketPath = Environment.GetEnvironmentVariable(HandoffEnvironment.Socket)
                ?? throw new HandoffException($"{HandoffEnvironment.Socket} is not set: {Flag} runs only under the fdhandoff supervisor");
            string token = Environment.GetEnvironmentVariable(HandoffEnvironment.Token) ?? "";
            int generation = int.TryParse(Environment.GetEnvironmentVariable(HandoffEnvironment.Generation), out int g) ? g : 0;

            using var channel = ControlChannel.Connect(socketPath);
            channel.Send(new HelloMessage(Environment.ProcessId, generation, token));
            var names = new List<string>();
            var fds = new List<SafeFd>();
            ListenerReceiver.ReceiveEach(channel, TimeSpan.FromSeconds(30), (entry, fd) =>
            {
                fds.Add(fd); // owned here until the exec hands copies at 3.. to the program
                names.Add(entry.Name);
            });

            var environment = ProgramEnvironment(names);
            // The control connection may sit where a listener goes: keep a copy above them to report a failed exec.
            using var spare = new ControlChannel(
                new Socket(new SafeSocketHandle(ProgramExec.CopyAbove(channel.Handle, ProgramExec.FirstListenFd + fds.Count).Release(), ownsHandle: true)),
                channel.Peer);
            channel.Send(new ExecMessage(Environment.ProcessId, program));

            var (exitCode, message) = ProgramExec.Exec(program, args[1..], environment, fds);

            // Still here: the exec failed. Say why to the supervisor (one line in its log) and to stderr.
            try { spare.Send(new ErrorMessage(message)); } catch (IOException) { }
            Console.Error.WriteLine($"fdhandoff launcher: {message}");
            return exitCode;
        }
        catch (Exception e) when (e is HandoffException or IOException or ProtocolException or ControlSocketUnreachableException or SocketException)
        {
            Console.Error.WriteLine($"fdhandoff launcher for {program}: {e.Message}");
            return 1;
        }
    }

    // systemd's socket-activation contract (sd_listen_fds(3)): LISTEN_PID is the program's pid, which the exec keeps.
    private static List<string> ProgramEnvironment(IReadOnlyList<string> names)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            variables[(string)e.Key] = (string?)e.Value ?? "";
        foreach (string name in OursOnly) variables.Remove(name);
        string pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        variables["LISTEN_FDS"] = names.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        variables["LISTEN_PID"] = pid;
        variables["LISTEN_FDNAMES"] = string.Join(':', names);
        if (variables.ContainsKey("WATCHDOG_USEC")) variables["WATCHDOG_PID"] = pid;
        return variables.Select(v => $"{v.Key}={v.Value}").ToList();
    }
}
