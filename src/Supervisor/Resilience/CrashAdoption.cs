using System.Security.Cryptography;
using System.Text;
using FdHandoff.Interop;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
using FdHandoff.Systemd;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// A supervisor starting where one died without stopping (SIGKILL, a crash, the watchdog): its state file
/// (<see cref="StateFile"/>) names workers that still run. Before any listener is bound, this one binds the control
/// socket (refused with one line if another supervisor answers there) and waits, at most <see cref="Window"/>, for
/// each of those workers to reattach: a <see cref="ReattachMessage"/> from the process itself (SO_PEERCRED: that pid,
/// our uid or root), for its generation and slot, presenting its token (the secret only the dead supervisor and that
/// worker knew). Each one accepted gives back its control connection and its listeners; systemd's fd store gives
/// back the ones we stored. The result is the dead supervisor's state as a hand-off, restored like a re-exec's
/// (<see cref="StateRestore"/>). Anything else that connects meanwhile is refused (a worker refused drains).
/// </summary>
internal static class CrashAdoption
{
    /// <summary>How long a starting supervisor waits for the dead one's workers to reattach (they try every ~100 ms).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    /// <summary>The dead supervisor's state and what came back, or null when there is nothing to adopt.</summary>
    public static async Task<RestoredImage?> TryAsync(SupervisorSettings settings, ControlSocketFile socketFile, ControlListener control, ILogger logger)
    {
        string path = StateFile.PathFor(settings.ControlSocketPath);
        if (!File.Exists(path)) return null;
        ReexecHandOff state;
        try
        {
            state = RestoredImage.Read(await File.ReadAllBytesAsync(path).ConfigureAwait(false));
        }
        catch (Exception e) when (e is SupervisorException or IOException or UnauthorizedAccessException)
        {
            SupervisorLog.AdoptionImpossible(logger, path, e.Message);
            return null;
        }
        // Refused here, with one line, if the supervisor that wrote it still answers on the control socket.
        control.Hold(socketFile.Bind(settings.ControlSocketPath, settings.ControlSocketGroup));
        var alive = state.State.Workers.Where(w => ProcessStartTime.Of(w.Pid) == w.StartTicks).ToList();
        if (alive.Count == 0)
        {
            File.Delete(path);
            return null;
        }
        SupervisorLog.AdoptionStarting(logger, state.State.SupervisorPid, alive.Count, Window.TotalMilliseconds);
        var expected = alive.Where(w => w.Program is null).ToDictionary(w => w.Pid);
        var reattached = new Dictionary<int, ReattachMessage>();
        var descriptors = new Dictionary<string, SafeFd>();
        var fromWorkers = new Dictionary<string, SafeFd>();
        using var window = new CancellationTokenSource(Window);
        while (reattached.Count < expected.Count && !window.IsCancellationRequested)
        {
            System.Net.Sockets.Socket connection;
            try
            {
                connection = await control.Socket.AcceptAsync(window.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            using var channel = new ControlChannel(connection, "control connection");
            var peer = channel.PeerCredentials;
            ControlFrame? first;
            try
            {
                first = channel.Receive(TimeSpan.FromSeconds(1));
            }
            catch (Exception e) when (e is TimeoutException or IOException or ProtocolException)
            {
                continue;
            }
            using (first)
            {
                if (first is null) continue;
                string? refusal = first.Kind != MessageKind.Reattach
                    ? $"{first.Kind} while adopting the workers of supervisor {state.State.SupervisorPid}: try again in a moment"
                    : Check(first.Read<ReattachMessage>(), peer, expected);
                if (refusal is not null)
                {
                    SupervisorLog.ReattachRefused(logger, peer.Pid, refusal);
                    try { channel.Send(new ErrorMessage("refused: " + refusal)); } catch (IOException) { }
                    continue;
                }
                var message = first.Read<ReattachMessage>();
                var fds = first.TakeDescriptors();
                for (int i = 0; i < fds.Length; i++)
                {
                    // The first copy of each listener is enough: every worker's is the same socket.
                    if (i < message.Listeners.Count && !fromWorkers.ContainsKey(message.Listeners[i])) fromWorkers[message.Listeners[i]] = fds[i];
                    else fds[i].Dispose();
                }
                descriptors[$"worker:{message.Pid}"] = InheritedDescriptors.Copy(channel.Handle);
                channel.Send(new ReattachedMessage(Environment.ProcessId));
                reattached[message.Pid] = message;
                SupervisorLog.WorkerReattached(logger, message.Pid, message.Generation, message.Slot, message.State, message.Pending.Count);
            }
        }
        // The listeners: systemd's fd store first (under systemd it kept the ones we bound), then the workers' copies.
        var passed = ListenFds.Take();
        foreach (var record in state.Listeners)
        {
            string name = record.Spec[..record.Spec.IndexOf('=')];
            var fd = passed.FirstOrDefault(p => p.Name == name && !p.Fd.IsClosed)?.Fd is { } stored ? InheritedDescriptors.Copy(stored)
                : fromWorkers.Remove(name, out var copy) ? copy : null;
            if (fd is not null) descriptors[record.Descriptor] = fd;
        }
        foreach (var p in passed) p.Dispose();
        foreach (var unused in fromWorkers.Values) unused.Dispose();
        return RestoredImage.Adopted(state, descriptors, reattached);
    }

    private static string? Check(ReattachMessage message, Sockets.PeerCredentials peer, IReadOnlyDictionary<int, SavedState.WorkerRecord> expected)
    {
        if (message.Pid != peer.Pid) return $"claims pid {message.Pid}";
        if (peer.Uid != UnixUser.EffectiveId && peer.Uid != 0) return $"uid {peer.Uid} is not this supervisor's";
        if (!expected.TryGetValue(message.Pid, out var record)) return "not a worker of the supervisor this one adopts";
        if (record.Generation != message.Generation || record.Slot != message.Slot)
            return $"claims generation {message.Generation} slot {message.Slot}, was generation {record.Generation} slot {record.Slot}";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(record.Token), Encoding.ASCII.GetBytes(message.Token ?? "")))
            return "wrong token";
        return null;
    }
}
