using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using FdHandoff.Protocol;
using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Security;

/// <summary>
/// Random and mutated control messages, with real descriptors attached, over many connections: the
/// supervisor must stay alive, keep serving the same generation, and hold the same descriptors.
/// </summary>
public sealed class ControlSocketFuzzTests
{
    private const int Messages = 10_000;
    private const int Senders = 4;

    [Fact]
    public async Task Ten_thousand_random_and_mutated_messages_leave_the_supervisor_serving_with_the_same_descriptors()
    {
        await using var serving = await ServingSupervisor.StartAsync();
        var supervisor = serving.Process;
        var workers = serving.Workers;
        var descriptorsBefore = serving.DescriptorsBefore;
        int fd = serving.OpenDescriptorToPass("fuzz-descriptor", "fuzz");
        await using var load = await serving.StartLoadAsync(2, keepAlive: true, successes: 20);
        var seeds = new[]
        {
            RawControlConnection.Frame(MessageKind.Hello, JsonSerializer.SerializeToUtf8Bytes(new HelloMessage(workers[0].Pid, 1, new string('A', 64)), ProtocolJson.Default.HelloMessage)),
            RawControlConnection.Frame(MessageKind.UpgradeRequest, JsonSerializer.SerializeToUtf8Bytes(new UpgradeRequest("fuzz"), ProtocolJson.Default.UpgradeRequest)),
            RawControlConnection.Frame(MessageKind.StatusRequest, "{}"u8),
        };

        int sent = 0, connections = 0, received = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Senders).Select(sender => Task.Run(() =>
        {
            var random = new Random(1000 + sender);
            while (Interlocked.CompareExchange(ref sent, 0, 0) < Messages)
            {
                using var connection = RawControlConnection.Connect(supervisor.ControlSocket);
                Interlocked.Increment(ref connections);
                // The supervisor reads the first message only; the others die with the connection, fds and all.
                int burst = random.Next(1, 4);
                for (int i = 0; i < burst; i++)
                {
                    var (datagram, fds) = Mutate(random, seeds);
                    if (!connection.TrySend(datagram, Enumerable.Repeat(fd, fds).ToArray())) break;
                    Interlocked.Increment(ref sent);
                }
                var outcome = connection.ReadUntilClosed(TimeSpan.FromSeconds(10));
                Assert.True(outcome.Closed, "the supervisor kept a fuzz connection open");
                Interlocked.Add(ref received, outcome.DescriptorsReceived);
            }
        })));
        clock.Stop();
        await load.WaitForMoreSuccessesAsync(20, TimeSpan.FromSeconds(30));
        var result = await load.StopAsync();
        var status = supervisor.Status();

        Assert.True(sent >= Messages, $"{sent} sent");
        Assert.False(supervisor.HasExited);
        Assert.Equal(0, received);
        Assert.Equal(1, status.Generation);
        Assert.Equal(workers.Select(w => w.Pid).Order(), status.Workers.Select(w => w.Pid).Order());
        Assert.Equal(descriptorsBefore, supervisor.OpenDescriptors());
        Assert.True(result.Failed == 0, result.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{sent} messages over {connections} connections took {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>One hostile datagram and how many descriptors to attach; never a valid UpgradeRequest or ReexecRequest.</summary>
    private static (byte[] Datagram, int Descriptors) Mutate(Random random, byte[][] seeds)
    {
        while (true)
        {
            byte[] d = (byte[])seeds[random.Next(seeds.Length)].Clone();
            switch (random.Next(8))
            {
                case 0: // bit flips
                    for (int i = random.Next(1, 9); i > 0; i--) d[random.Next(d.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // truncation
                    d = d[..random.Next(0, d.Length)];
                    break;
                case 2: // length lie
                    BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), random.Next(4) == 0 ? uint.MaxValue : (uint)random.Next(0, 70_000));
                    break;
                case 3: // any kind, defined or not
                    BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(6), (ushort)(random.Next(2) == 0 ? random.Next(0, 21) : random.Next(65536)));
                    break;
                case 4: // any version
                    BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(4), (ushort)random.Next(65536));
                    break;
                case 5: // garbage, sometimes too big for a message
                    d = new byte[random.Next(10) == 0 ? random.Next(65_000, 70_000) : random.Next(0, 300)];
                    random.NextBytes(d);
                    break;
                case 6: // a valid header around a hostile payload
                    string[] payloads = ["null", "[]", "{", "\"x\"", "{\"pid\":\"x\"}", "{\"token\":null}", new string('[', 100), "{\"pid\":1e999}", Encoding.Latin1.GetString([0xff, 0xfe, 0x00])];
                    d = RawControlConnection.Frame((MessageKind)BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(6)), Encoding.UTF8.GetBytes(payloads[random.Next(payloads.Length)]));
                    break;
                case 7: // trailing bytes, length fixed up or not
                    d = [.. d, .. Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))];
                    if (random.Next(2) == 0) BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), (uint)(d.Length - ControlHeader.Size));
                    break;
            }
            // Real descriptors on a third of them, declared in the header or not.
            int fds = random.Next(3) == 0 ? (random.Next(20) == 0 ? random.Next(5, 254) : random.Next(1, 5)) : 0;
            if (fds > 0 && d.Length >= ControlHeader.Size && random.Next(2) == 0) BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(8), (ushort)fds);
            if (d.Length == 0 && fds == 0) continue; // an empty datagram is how a peer says goodbye, not input
            if (IsValidCommand(d, fds)) continue; // this uid may upgrade and re-exec: that would be a real one, not fuzz
            return (d, fds);
        }
    }

    private static bool IsValidCommand(byte[] d, int fds)
    {
        try
        {
            var header = ControlHeader.Read(d);
            if (header.DescriptorCount != 0 || fds != 0) return false;
            return header.Kind == MessageKind.UpgradeRequest && JsonSerializer.Deserialize(d.AsSpan(ControlHeader.Size), ProtocolJson.Default.UpgradeRequest) is not null
                || header.Kind == MessageKind.ReexecRequest && JsonSerializer.Deserialize(d.AsSpan(ControlHeader.Size), ProtocolJson.Default.ReexecRequest) is not null;
        }
        catch (Exception e) when (e is ProtocolException or JsonException)
        {
            return false;
        }
    }
}
