using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using FdHandoff.Protocol;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Control;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.SavedState;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Unix;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// <c>fdhandoff reexec</c> (and SIGUSR2): executes the supervisor binary found at its own path now, in place, same pid,
/// keeping everything. One at a time with upgrades (an upgrade in progress finishes first). The new binary is tried
/// first (<see cref="ReexecTrial"/>); then the control plane is paused at a message boundary
/// (<see cref="ControlPlanePause"/>), the whole state is written out (<see cref="SupervisorState"/>) with the
/// settings this image started with, and the exec keeps exactly these descriptors open for the new image, each named
/// (<see cref="PassedDescriptor"/>): the listeners, the control and notify sockets, each worker's control connection,
/// each connection in transit, the connections not read yet, the admin requests waiting for an answer (this one
/// included: the new image answers it), and this executable (to fall back to). The workers are not restarted;
/// they see the control plane pause for as long as the new image takes to start. If the exec fails, everything
/// resumes and the request is answered here.
/// </summary>
internal sealed class Reexec(
    SupervisorSettings settings,
    ListenerSet listeners,
    ControlListener control,
    NotifySocket notify,
    WorkerPool pool,
    ConnectionRouter router,
    PendingAdmin pending,
    SupervisorState state,
    SupervisorLife life,
    UpgradeQueue upgrades,
    ControlPlanePause pause,
    ILogger<Reexec> logger)
{
    /// <summary>How long the new binary has to read the state and answer in its trial.</summary>
    private static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Raised when the exec is about to happen (systemd hears RELOADING=1), and when a re-exec failed (READY=1 again).</summary>
    public event Action? Starting;
    public event Action? Failed;

    /// <summary>Re-executes; returns only when that did not happen: why. <paramref name="requester"/>'s connection then stays the caller's.</summary>
    public Task<ReexecResult> RunAsync(ControlChannel? requester, string reason, int peerPid) =>
        upgrades.RunExclusiveAsync(() => RunAloneAsync(requester, reason, peerPid));

    private async Task<ReexecResult> RunAloneAsync(ControlChannel? requester, string reason, int peerPid)
    {
        var clock = Stopwatch.StartNew();
        var requestedAt = DateTimeOffset.UtcNow;
        SupervisorLog.ReexecRequested(logger, reason);
        string executable = ImageStart.Executable;
        var (ok, detail) = await ReexecTrial.RunAsync(executable, Serialize(HandOff([], [], [], requestedAt)), TrialTimeout).ConfigureAwait(false);
        if (!ok) return Fail(detail, clock);
        SupervisorLog.ReexecTrialPassed(logger, executable, detail, clock.Elapsed.TotalMilliseconds);

        Starting?.Invoke();
        await pause.PauseAsync().ConfigureAwait(false);
        string why;
        var made = new List<SafeHandle>();
        try
        {
            var (handOff, keep) = Collect(requester, reason, peerPid, requestedAt, made);
            var file = InheritedDescriptors.MemoryFile("fdhandoff-reexec", Serialize(handOff));
            made.Add(file);
            keep.Add(file);
            // The running executable, whatever the path holds now: what a new image that cannot take over falls back to.
            var previous = File.OpenHandle("/proc/self/exe");
            made.Add(previous);
            keep.Add(previous);
            SupervisorLog.ReexecExecuting(logger, executable, keep.Count, handOff.State.Workers.Count, handOff.State.HandOvers.InTransit.Count);
            var environment = ImageStart.Environment
                .Append($"{RestoredImage.StateVariable}={InheritedDescriptors.NumberOf(file)}")
                .Append($"{RestoredImage.PreviousVariable}={InheritedDescriptors.NumberOf(previous)}").ToList();
            var argv = ImageStart.Argv(executable, ImageStart.Arguments);
            why = pool.Slots.WhileNoSpawn(() => ImageReplacement.Exec(executable, argv, environment, keep));
        }
        catch (Exception e) when (e is SupervisorException or IOException or UnauthorizedAccessException or Interop.NativeCallException)
        {
            why = e.Message;
        }
        foreach (var handle in made) handle.Dispose();
        // Still here: the exec did not happen. Everything goes on reading.
        pause.Resume();
        Failed?.Invoke();
        return Fail(why, clock);
    }

    private ReexecResult Fail(string why, Stopwatch clock)
    {
        life.ReexecFailed();
        SupervisorLog.ReexecFailed(logger, why);
        return new ReexecResult(false, Environment.ProcessId, Cli.VersionText.Describe(), Cli.VersionText.Describe(), why, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>The hand-off and the descriptors it names, the old executable's among them; the caller keeps them open across the exec.</summary>
    /// <param name="made">Where the descriptors opened here go (closed by the caller if the exec fails).</param>
    private (ReexecHandOff HandOff, List<SafeHandle> Keep) Collect(ControlChannel? requester, string reason, int peerPid, DateTimeOffset requestedAt, List<SafeHandle> made)
    {
        var keep = new List<SafeHandle>();
        var passed = new List<PassedDescriptor>();
        string Pass(string name, SafeHandle handle)
        {
            keep.Add(handle);
            passed.Add(new PassedDescriptor(name, InheritedDescriptors.NumberOf(handle)));
            return name;
        }

        var held = new List<HeldListenerRecord>();
        foreach (var (record, socket) in HeldListeners.Of(listeners))
        {
            Pass(record.Descriptor, socket);
            held.Add(record);
        }
        Pass("control", control.Socket.SafeHandle);
        if (notify.Socket is { } notifySocket) Pass("notify", notifySocket.SafeHandle);
        foreach (var worker in pool.Table.All)
            if (worker.Channel is { } channel) Pass($"worker:{worker.Pid}", channel.Handle);
        foreach (var (id, fd) in router.TransitDescriptors()) Pass($"transit:{id}", fd);
        foreach (var (channel, i) in control.Unread.Select((c, i) => (c, i))) Pass($"client:{i}", channel.Handle);
        var admin = new List<PendingAdminRecord>();
        if (requester is not null) admin.Add(new PendingAdminRecord("reexec", Pass("admin:0", requester.Handle), reason, peerPid));
        foreach (var (request, i) in pending.Waiting.Select((r, i) => (r, i)))
            admin.Add(new PendingAdminRecord(request.Kind, Pass($"admin:{i + 1}", request.Channel.Handle), request.Reason, request.PeerPid));
        // The running executable, whatever the path holds now: what a new image that cannot take over falls back to.
        return (HandOff(held, passed, admin, requestedAt), keep);
    }

    private ReexecHandOff HandOff(IReadOnlyList<HeldListenerRecord> held, IReadOnlyList<PassedDescriptor> passed, IReadOnlyList<PendingAdminRecord> admin, DateTimeOffset requestedAt) =>
        new(state.Capture(), settings.ToPairs(), held, passed, admin, Cli.VersionText.Describe(), requestedAt);

    private static byte[] Serialize(ReexecHandOff handOff) => JsonSerializer.SerializeToUtf8Bytes(handOff, ReexecJson.Default.ReexecHandOff);
}
