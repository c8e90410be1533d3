using System.Text.Json;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// The client verbs, thin clients of the control socket:
/// <c>fdhandoff upgrade [--control-socket PATH] [--timeout SECONDS]</c> and <c>fdhandoff status [--json]</c>.
/// Exit codes: 0 done, 1 the upgrade failed (the old generation still serves), 2 usage, 3 unreachable.
/// </summary>
internal static class AdminCommand
{
    public const int Failed = 1, Usage = 2, Unreachable = 3;

    public static bool IsVerb(string[] args) => args.Length > 0 && args[0] is "upgrade" or "status";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? socket = null;
        bool json = false;
        double timeout = 120;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--control-socket" when i + 1 < args.Length: socket = args[++i]; break;
                case "--json": json = true; break;
                case "--timeout" when i + 1 < args.Length && double.TryParse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture, out timeout): i++; break;
                default:
                    stderr.WriteLine($"fdhandoff {args[0]}: unknown argument '{args[i]}'; usage: fdhandoff {args[0]} [--control-socket PATH]{(args[0] == "status" ? " [--json]" : " [--timeout SECONDS]")}");
                    return Usage;
            }
        }
        string path = ControlSocketLocation.Resolve(socket ?? Environment.GetEnvironmentVariable("FDHANDOFF_CONTROL_SOCKET"));
        try
        {
            using var channel = ControlChannel.Connect(path);
            return args[0] == "upgrade"
                ? Upgrade(channel, TimeSpan.FromSeconds(timeout), stdout, stderr)
                : Status(channel, json, stdout);
        }
        catch (ControlSocketUnreachableException e)
        {
            stderr.WriteLine($"fdhandoff {args[0]}: {e.Message}");
            return Unreachable;
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            stderr.WriteLine($"fdhandoff {args[0]}: {e.Message}");
            return Failed;
        }
    }

    private static int Upgrade(ControlChannel channel, TimeSpan timeout, TextWriter stdout, TextWriter stderr)
    {
        channel.Send(new UpgradeRequest("fdhandoff upgrade"));
        using var reply = Expect(channel, timeout);
        var result = reply.Read<UpgradeResult>();
        if (result.Ok)
        {
            stdout.WriteLine($"upgraded: generation {result.PreviousGeneration} -> {result.Generation}, new workers ready in {result.ReadyMs:0} ms; generation {result.PreviousGeneration} draining");
            return 0;
        }
        stderr.WriteLine($"fdhandoff upgrade: failed, generation {result.Generation} still serving: {result.Reason}");
        return Failed;
    }

    private static int Status(ControlChannel channel, bool json, TextWriter stdout)
    {
        channel.Send(new StatusRequest());
        using var reply = Expect(channel, TimeSpan.FromSeconds(10));
        var status = reply.Read<StatusReply>();
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(status, ProtocolJson.Default.StatusReply));
            return 0;
        }
        stdout.WriteLine($"supervisor  pid {status.SupervisorPid}, generation {status.Generation}, {status.OpenDescriptors} open fds");
        stdout.WriteLine($"last upgrade {status.LastUpgrade}");
        if (status.LastHandOver is { } h)
            stdout.WriteLine(h.RetiredGeneration == 0
                ? $"connections no generation retired yet; {h.InTransit} in transit"
                : $"connections generation {h.RetiredGeneration} retired: {h.Moved} moved, {h.Closed} closed{(h.Closed > 0 ? $" ({h.Reason})" : "")}; {h.InTransit} in transit");
        if (status.Generations is { } generations)
        {
            stdout.WriteLine("generations");
            foreach (var g in generations)
            {
                string role = g.Generation == status.Generation ? "serving" : g.Generation > status.Generation ? "starting" : "retiring";
                stdout.WriteLine(g.ConfigurationHash == "none"
                    ? $"  {g.Generation,-4} {role,-9} config none (defaults and switches only)  listeners {string.Join(", ", g.Listeners)}"
                    : $"  {g.Generation,-4} {role,-9} config {g.ConfigurationHash} modified {g.ConfigurationModified:yyyy-MM-dd HH:mm:ss}Z ({g.ConfigurationFile})  listeners {string.Join(", ", g.Listeners)}");
            }
        }
        stdout.WriteLine("workers");
        foreach (var w in status.Workers)
            stdout.WriteLine($"  pid {w.Pid,-8} generation {w.Generation,-4} slot {w.Slot,-3} {w.State,-10} up {w.UptimeSeconds,8:0.0} s  restarts {w.Restarts}  connections {(w.Connections < 0 ? "-" : w.Connections.ToString()),-6} received {w.ConnectionsReceived}");
        stdout.WriteLine("listeners");
        foreach (var l in status.Listeners)
            stdout.WriteLine($"  {l.Name,-12} {l.Address,-32} {l.Origin}");
        return 0;
    }

    private static ControlFrame Expect(ControlChannel channel, TimeSpan timeout)
    {
        var reply = channel.Receive(timeout) ?? throw new IOException("the supervisor closed the connection without answering");
        if (reply.Kind == MessageKind.Error)
        {
            using (reply) throw new IOException("the supervisor refused: " + reply.Read<ErrorMessage>().Reason);
        }
        // The supervisor closes after answering; waiting for that means that once this command has
        // exited the supervisor holds nothing of the connection (what scripts counting its fds expect).
        try { channel.Receive(TimeSpan.FromSeconds(2))?.Dispose(); }
        catch (Exception e) when (e is IOException or TimeoutException or ProtocolException) { }
        return reply;
    }
}
