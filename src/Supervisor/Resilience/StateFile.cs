using System.Text.Json;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.SavedState;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// The supervisor's state on disk beside its control socket (<c>CONTROLSOCKET.state</c>, mode 0600 in the private
/// runtime directory), rewritten within <see cref="Period"/> of any change: what a supervisor started after this one
/// died (SIGKILL, a crash) reads to adopt its workers (<see cref="CrashAdoption"/>). It holds the workers' tokens, the
/// secret a worker proves itself with when it reattaches: only this user (or root) can read it. A clean stop removes
/// it: then there is nothing to adopt. A change in the last <see cref="Period"/> before a crash may be missing: a worker
/// spawned then is refused when it reattaches, and drains.
/// </summary>
internal sealed class StateFile(SupervisorSettings settings, SupervisorState state, ListenerSet listeners, RestoredImage restored, ILogger<StateFile> logger)
    : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);

    private byte[] _written = [];

    /// <summary>Where the state of the supervisor on <paramref name="controlSocket"/> is kept.</summary>
    public static string PathFor(string controlSocket) => controlSocket + ".state";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            do Write();
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Write()
    {
        var handOff = new ReexecHandOff(state.Capture(), settings.ToPairs(), HeldListeners.Of(listeners).Select(h => h.Record).ToList(), [], [],
            Cli.VersionText.Describe(), DateTimeOffset.UtcNow);
        // Everything but the moment it was written: unchanged state is not written again.
        byte[] content = JsonSerializer.SerializeToUtf8Bytes(handOff with { RequestedAt = default }, ReexecJson.Default.ReexecHandOff);
        if (content.AsSpan().SequenceEqual(_written)) return;
        string path = PathFor(settings.ControlSocketPath), temporary = path + ".new";
        try
        {
            using (var file = new FileStream(temporary, new FileStreamOptions
            {
                Mode = FileMode.Create, Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
                file.Write(content);
            File.Move(temporary, path, overwrite: true);
            _written = content;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SupervisorLog.StateFileFailed(logger, path, e.Message);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // Stopped cleanly (its workers drained before this runs): nothing for a next supervisor to adopt. A re-executed
        // image that falls back leaves it: the previous executable goes on with it.
        if (!restored.IsRestored || restored.Committed) File.Delete(PathFor(settings.ControlSocketPath));
    }
}
