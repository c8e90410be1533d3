using FdHandoff.Protocol;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;
using FdHandoff.Systemd;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Systemd;

/// <summary>
/// What systemd hears beyond READY=1/STOPPING=1 (sent by Microsoft.Extensions.Hosting.Systemd's lifetime):
/// the listeners we bound ourselves go to the fd store (FDSTORE=1, FDNAME=listener) so a restart finds
/// them again; an upgrade is RELOADING=1 ... READY=1; STATUS= says the generation and the last upgrade;
/// WATCHDOG=1 is sent only while the supervisor is healthy. Does nothing outside systemd.
/// </summary>
internal sealed class SystemdService(
    ListenerSet listeners,
    WorkerTable workers,
    SlotTable slots,
    UpgradeHistory history,
    UpgradeQueue upgrades,
    Resilience.Reexec reexec,
    Resilience.RestoredImage restored,
    IHostApplicationLifetime lifetime,
    ILogger<SystemdService> logger) : IHostedService, IDisposable
{
    private readonly SdNotify _notify = SdNotify.FromEnvironment();
    private readonly WatchdogSettings? _watchdog = WatchdogSettings.FromEnvironment(unsetEnvironment: true);
    private Timer? _watchdogTimer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_notify.IsEnabled) return Task.CompletedTask;

        // A re-executed image's listeners are in the store already: the previous image put them there.
        if (!restored.IsRestored) StoreListeners();
        listeners.Committed += StoreAdded;
        listeners.Closed += ForgetClosed;
        upgrades.UpgradeStarting += () => Send(NotifyState.Reloading + NotifyState.Status($"upgrading from generation {slots.ServingGeneration}"));
        upgrades.UpgradeFinished += _ => Send(NotifyState.Ready + NotifyState.Status(StatusText()));
        // Around a re-exec as around a reload: the main pid stays; the new image says READY=1 when it has started.
        reexec.Starting += () => Send(NotifyState.Reloading + NotifyState.Status("re-executing the supervisor"));
        reexec.Failed += () => Send(NotifyState.Ready + NotifyState.Status(StatusText()));
        lifetime.ApplicationStarted.Register(() => Send(NotifyState.Status(StatusText())));
        lifetime.ApplicationStopping.Register(() => Send(NotifyState.Status("stopping: draining the workers")));

        // Pinging starts now, not at READY: starting generation 1 may take longer than WatchdogSec.
        if (_watchdog is not null)
        {
            SupervisorLog.WatchdogEnabled(logger, _watchdog.PingInterval.TotalMilliseconds);
            _watchdogTimer = new Timer(_ => PingWatchdog(), null, TimeSpan.Zero, _watchdog.PingInterval);
        }
        return Task.CompletedTask;
    }

    private void StoreListeners()
    {
        // Only what we bound: a .socket unit's listeners are systemd's already, and storing them too
        // would hand them back twice after a restart.
        foreach (var listener in listeners.All.Where(l => l.Origin == ListenerOrigin.Bound))
            Store(listener);
        // Stored under a name no listener has any more: drop it, or it would come back on every restart.
        foreach (string name in listeners.Unclaimed.Distinct().Where(NotifyState.IsValidFdName))
            Send(NotifyState.FdStoreRemove(name));
    }

    // A reload's new listeners: stored as at start. A changed address keeps its name, so what the store
    // held under that name (the old socket) goes first: a restart must find the new one only.
    private void StoreAdded(IReadOnlyList<BoundListener> added)
    {
        foreach (var listener in added.Where(l => l.Origin == ListenerOrigin.Bound))
        {
            Send(NotifyState.FdStoreRemove(listener.Spec.Name));
            Store(listener);
        }
    }

    private void Store(BoundListener listener)
    {
        if (!Send(NotifyState.FdStore(listener.Spec.Name), [listener.Socket.SafeHandle])) return;
        listener.StoredWithSystemd = true; // a unix listener's path then outlives us, for the next supervisor
        SupervisorLog.ListenerStored(logger, listener.Spec.Name);
    }

    // A dropped listener, closed: out of the store too, unless a newer socket of that name is held (stored already).
    private void ForgetClosed(BoundListener closed)
    {
        if (closed.Origin == ListenerOrigin.Bound && !listeners.All.Any(l => l.Spec.Name == closed.Spec.Name))
            Send(NotifyState.FdStoreRemove(closed.Spec.Name));
    }

    private void PingWatchdog()
    {
        if (!workers.IsResponsive(TimeSpan.FromSeconds(1)))
        {
            SupervisorLog.WatchdogWithheld(logger, "the worker table did not answer within 1 s");
            return;
        }
        Send(NotifyState.Watchdog);
    }

    private string StatusText()
    {
        int serving = slots.ServingGeneration;
        int ready = workers.Where(w => w.Generation == serving && w.State == WorkerState.Ready).Count;
        return $"generation {serving}: {ready} workers ready; last upgrade {history.LastUpgrade}";
    }

    private bool Send(NotifyState state, IReadOnlyList<System.Runtime.InteropServices.SafeHandle>? fds = null)
    {
        try
        {
            return _notify.Notify(state, fds ?? []);
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            SupervisorLog.NotifyFailed(logger, e.Message);
            return false;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _watchdogTimer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _watchdogTimer?.Dispose();
}
