using System.Text.Json;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// The client verbs, thin clients of the control socket: <c>fdhandoff upgrade</c> and <c>fdhandoff status</c>
/// (parsed by <see cref="UpgradeVerb"/> and <see cref="StatusVerb"/>). Exit codes: <see cref="ExitCodes"/>.
/// </summary>
internal static class AdminCommand
{
    public static int Upgrade(string? socket, TimeSpan timeout, bool json, TextWriter stdout, TextWriter stderr) =>
        Connect("upgrade", socket, stderr, channel => Upgrade(channel, timeout, json, stdout, stderr));

    public static int Reexec(string? socket, TimeSpan timeout, bool json, TextWriter stdout, TextWriter stderr) =>
        Connect("reexec", socket, stderr, channel => Reexec(channel, timeout, json, stdout, stderr));

    public static int Status(string? socket, bool json, TextWriter stdout, TextWriter stderr) =>
        Connect("status", socket, stderr, channel => Status(channel, json, stdout));

    private static int Connect(string verb, string? socket, TextWriter stderr, Func<ControlChannel, int> talk)
    {
        string path = ControlSocketLocation.Resolve(socket ?? Environment.GetEnvironmentVariable("FDHANDOFF_CONTROL_SOCKET"));
        try
        {
            using var channel = ControlChannel.Connect(path);
            return talk(channel);
        }
        catch (ControlSocketUnreachableException e)
        {
            stderr.WriteLine($"fdhandoff {verb}: {e.Message}");
            return ExitCodes.Unreachable;
        }
        catch (Exception e) when (e is IOException or TimeoutException)
        {
            stderr.WriteLine($"fdhandoff {verb}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static int Upgrade(ControlChannel channel, TimeSpan timeout, bool json, TextWriter stdout, TextWriter stderr)
    {
        channel.Send(new UpgradeRequest("fdhandoff upgrade"));
        using var reply = Expect(channel, timeout);
        var result = reply.Read<UpgradeResult>();
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result, ProtocolJson.Default.UpgradeResult));
            return result.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }
        if (result.Ok)
        {
            stdout.WriteLine($"upgraded: generation {result.PreviousGeneration} -> {result.Generation}, new workers ready in {result.ReadyMs:0} ms; generation {result.PreviousGeneration} draining");
            return 0;
        }
        stderr.WriteLine($"fdhandoff upgrade: failed, generation {result.Generation} still serving: {result.Reason}");
        return ExitCodes.Failed;
    }

    private static int Reexec(ControlChannel channel, TimeSpan timeout, bool json, TextWriter stdout, TextWriter stderr)
    {
        channel.Send(new ReexecRequest("fdhandoff reexec"));
        using var reply = Expect(channel, timeout);
        var result = reply.Read<ReexecResult>();
        if (json)
        {
            stdout.WriteLine(JsonSerializer.Serialize(result, ProtocolJson.Default.ReexecResult));
            return result.Ok ? ExitCodes.Ok : ExitCodes.Failed;
        }
        if (result.Ok)
        {
            stdout.WriteLine($"re-executed: pid {result.Pid} now runs {result.Version} (was {result.PreviousVersion}), {result.ElapsedMs:0} ms after the request; workers and connections kept");
            return ExitCodes.Ok;
        }
        stderr.WriteLine($"fdhandoff reexec: failed, {result.Version} serves on: {result.Reason}");
        return ExitCodes.Failed;
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
        if (status.Supervisor is { } s)
            stdout.WriteLine($"version     {s.Version}, running since {s.Since:yyyy-MM-dd HH:mm:ss}Z; re-executed {s.Reexecs} times ({s.FailedReexecs} failed), adopted workers {s.Adoptions} times");
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
            stdout.WriteLine($"  pid {w.Pid,-8} generation {w.Generation,-4} slot {w.Slot,-3} {w.State,-10} up {w.UptimeSeconds,8:0.0} s  restarts {w.Restarts}  connections {(w.Connections < 0 ? "-" : w.Connections.ToString()),-6} received {w.ConnectionsReceived}{(w.Status is null ? "" : $"  status \"{w.Status}\"")}");
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
