using FdHandoff.Protocol;
using FdHandoff.Sockets;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Security;

/// <summary>
/// Bad input on the control socket: every malformed message is dropped with a log line naming the
/// peer, every descriptor that came with it is closed at once, and the supervisor keeps serving.
/// </summary>
public sealed class MalformedMessageTests
{
    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(10);

    public sealed record Case(string Name, byte[] Datagram, int Descriptors, string Logged);

    /// <summary>A refusal of this test process (root: the tests run as uid 0).</summary>
    private static bool RefusedUs(LogEntry e) => e.Int("PeerPid") == Environment.ProcessId && e.Long("PeerUid") == 0;

    private static IEnumerable<Case> Cases()
    {
        byte[] status = RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8);
        byte[] hello = RawControlConnection.Frame(MessageKind.Hello, """{"pid":1,"generation":1,"token":"00"}"""u8);
        var garbage = new byte[300];
        new Random(6).NextBytes(garbage);
        garbage[0] = 0; // never the magic by chance
        byte[] lengthLie = (byte[])status.Clone();
        BitConverter.TryWriteBytes(lengthLie.AsSpan(12), 1000u);

        yield return new("truncated header", status[..10], 0, "truncated message: 10 bytes, the header alone is 16");
        yield return new("oversized", RawControlConnection.Frame(MessageKind.StatusRequest, new byte[70_000]), 0, "message larger than 65536 bytes");
        yield return new("unknown kind", RawControlConnection.Frame((MessageKind)99, "{}"u8), 0, "unknown message kind 99");
        yield return new("unknown version", RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8, version: 2), 0, "protocol version 2 is not supported (this side speaks 1)");
        yield return new("garbage", garbage, 0, "not an FdHandoff control message (bad magic)");
        yield return new("length lie", lengthLie, 0, "payload length says 1000 bytes, the message carries 2");
        yield return new("hello that is not JSON", RawControlConnection.Frame(MessageKind.Hello, "not json"u8), 0, "Hello payload is not valid");
        yield return new("hello of null", RawControlConnection.Frame(MessageKind.Hello, "null"u8), 0, "Hello has an empty payload");
        yield return new("hello with descriptors", RawControlConnection.Frame(MessageKind.Hello, hello.AsSpan(16), 3), 3, "unexpected first message Hello with 3 descriptors");
        yield return new("status with descriptors", RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8, 2), 2, "unexpected first message StatusRequest with 2 descriptors");
        yield return new("undeclared descriptors", status, 3, "StatusRequest says 0 descriptors, 3 arrived");
        yield return new("declared descriptors missing", RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8, 500), 2, "StatusRequest says 500 descriptors, 2 arrived");
        yield return new("as many descriptors as the kernel passes", RawControlConnection.Frame(MessageKind.Listeners, "{}"u8, FdPassing.MaxDescriptorsPerMessage), FdPassing.MaxDescriptorsPerMessage, "unexpected first message Listeners with 253 descriptors");
    }

    [Fact]
    public async Task Every_malformed_message_is_dropped_with_a_log_line_and_its_descriptors_closed_while_the_service_serves()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var workers = serving.WorkerPids;
        var descriptorsBefore = serving.DescriptorsBefore;
        int fd = serving.OpenDescriptorToPass("passed-descriptor", "a file whose descriptor the supervisor must not keep");
        await using var load = await serving.StartLoadAsync(4, keepAlive: false, successes: 50);

        var problems = new List<string>();
        foreach (var c in Cases())
        {
            int mark = supervisor.Log.Count;
            using var connection = RawControlConnection.Connect(supervisor.ControlSocket);
            Assert.True(connection.TrySend(c.Datagram, Enumerable.Repeat(fd, c.Descriptors).ToArray()), c.Name);
            var outcome = connection.ReadUntilClosed(Reply);
            if (!outcome.Closed || outcome.DescriptorsReceived != 0 || !outcome.ReplyKinds.SequenceEqual([(int)MessageKind.Error]))
                problems.Add($"{c.Name}: {outcome.Closed} {outcome.DescriptorsReceived} [{string.Join(",", outcome.ReplyKinds)}]");
            try
            {
                await supervisor.Log.WaitForEventAsync(LogEvents.ConnectionRefused, e => RefusedUs(e) && e.String("Reason").Contains(c.Logged, StringComparison.Ordinal), Reply, from: mark);
            }
            catch (TimeoutException)
            {
                problems.Add($"{c.Name}: no line with '{c.Logged}'");
            }
        }
        await load.WaitForMoreSuccessesAsync(50, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();
        var status = supervisor.Status();

        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + supervisor.Log);
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
        Assert.Equal(1, status.Generation);
        Assert.Equal(workers, status.Workers.Select(w => w.Pid).ToHashSet());
        Assert.True(result.Failed == 0, result.ToString());
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_dropped_after_5_s_with_a_log_line()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var descriptorsBefore = serving.DescriptorsBefore;

        using var silent = RawControlConnection.Connect(supervisor.ControlSocket);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = silent.ReadUntilClosed(TimeSpan.FromSeconds(20));
        clock.Stop();
        await supervisor.Log.WaitForEventAsync(LogEvents.ConnectionRefused, e => RefusedUs(e) && e.String("Reason").StartsWith("sent nothing for 5 s", StringComparison.Ordinal), Reply);

        Assert.True(outcome.Closed);
        Assert.Equal(0, outcome.DescriptorsReceived);
        Assert.InRange(clock.Elapsed.TotalSeconds, 4, 15);
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
        Assert.Equal(200, (await RawHttp.GetOnceAsync(serving.Http)).Status);
    }

    [Fact]
    public async Task Descriptors_cut_off_by_the_kernel_are_refused_and_the_ones_that_arrived_closed()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var descriptorsBefore = serving.DescriptorsBefore;
        int fd = serving.OpenDescriptorToPass("passed-descriptor", "cut off");
        using var connection = RawControlConnection.Connect(supervisor.ControlSocket);

        // A supervisor near its descriptor limit gets only the first few: recvmsg says MSG_CTRUNC.
        int open = System.IO.Directory.GetFiles($"/proc/{supervisor.Pid}/fd").Length;
        var limit = await ProcessRunner.RunAsync("/usr/bin/prlimit", [$"--pid={supervisor.Pid}", "--nofile", "--raw", "--noheadings", "--output=SOFT,HARD"], Reply);
        string[] original = limit.Stdout.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var lowered = await ProcessRunner.RunAsync("/usr/bin/prlimit", [$"--pid={supervisor.Pid}", $"--nofile={open + 8}:{original[1]}"], Reply);
        Assert.True(lowered.ExitCode == 0, lowered.Stderr);
        RawControlConnection.Outcome outcome;
        try
        {
            Assert.True(connection.TrySend(RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8, FdPassing.MaxDescriptorsPerMessage),
                Enumerable.Repeat(fd, FdPassing.MaxDescriptorsPerMessage).ToArray()));
            outcome = connection.ReadUntilClosed(Reply);
            await supervisor.Log.WaitForEventAsync(LogEvents.ConnectionRefused, e => RefusedUs(e) && e.String("Reason").StartsWith("descriptors were cut off (MSG_CTRUNC)", StringComparison.Ordinal), Reply);
        }
        finally
        {
            await ProcessRunner.RunAsync("/usr/bin/prlimit", [$"--pid={supervisor.Pid}", $"--nofile={original[0]}:{original[1]}"], Reply);
        }

        Assert.True(outcome.Closed);
        Assert.Equal(0, outcome.DescriptorsReceived);
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
        Assert.Equal(200, (await RawHttp.GetOnceAsync(serving.Http)).Status);
    }

    [Fact]
    public void More_descriptors_than_the_kernel_passes_are_refused_before_the_syscall()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Seqpacket, System.Net.Sockets.ProtocolType.Unspecified);

        var e = Assert.Throws<ArgumentException>(() => FdPassing.TrySend(socket, "x"u8, new int[FdPassing.MaxDescriptorsPerMessage + 1], "send 254 descriptors"));

        Assert.Contains("254 descriptors in one message, the kernel takes at most 253", e.Message);
    }
}
