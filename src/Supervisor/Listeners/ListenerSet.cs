using FdHandoff.Supervisor.Configuration;
using FdHandoff.Systemd;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Every listening socket of the supervisor, in configuration order: adopted from systemd when it passed
/// one of that name (socket activation, or our own fd store after a restart), bound here otherwise.
/// Owns them from then until the supervisor exits (invariant 1); <see cref="Dispose"/> closes them.
/// </summary>
internal sealed class ListenerSet(SupervisorSettings settings, ILogger<ListenerSet> logger) : IDisposable
{
    private readonly List<BoundListener> _listeners = [];
    private readonly List<string> _unclaimed = [];

    public IReadOnlyList<BoundListener> All => _listeners;

    /// <summary>Names systemd passed descriptors under that no configured listener wanted (closed).</summary>
    public IReadOnlyList<string> Unclaimed => _unclaimed;

    /// <summary>Adopts or binds every configured listener, or none: a failure closes everything and throws.</summary>
    public void BindAll()
    {
        var passed = ListenFds.Take();
        var adopted = new Dictionary<string, BoundListener>();
        try
        {
            // Adopt first: a passed socket that does not match its listener is a configuration error,
            // reported before anything is bound.
            foreach (var spec in settings.Listeners)
            {
                var mine = passed.FirstOrDefault(p => p.Name == spec.Name && !p.Fd.IsClosed && !p.Fd.IsInvalid);
                if (mine is not null) adopted[spec.Name] = ListenerAdopter.Adopt(spec, mine);
            }
            foreach (var spec in settings.Listeners)
            {
                if (adopted.TryGetValue(spec.Name, out var mine))
                {
                    _listeners.Add(mine);
                    SupervisorLog.ListenerAdopted(logger, spec.Name, spec.Address, mine.Fd);
                    continue;
                }
                BoundListener listener;
                try
                {
                    listener = ListenerBinder.Bind(spec, logger);
                }
                catch (SctpUnavailableException e) when (settings.SkipUnavailableSctp)
                {
                    SupervisorLog.ListenerSkipped(logger, spec.Name, e.Message);
                    continue;
                }
                _listeners.Add(listener);
                SupervisorLog.ListenerBound(logger, spec.Name, spec.Address, listener.Fd);
            }
            foreach (var extra in passed.Where(p => !p.Fd.IsInvalid && !p.Fd.IsClosed))
            {
                // A listener removed from the configuration, or a socket unit nobody configured: not ours to serve.
                SupervisorLog.PassedFdUnclaimed(logger, extra.Name, extra.Fd.Value);
                _unclaimed.Add(extra.Name);
            }
        }
        catch (SctpUnavailableException e)
        {
            foreach (var a in adopted.Values) a.Dispose();
            Dispose();
            throw new SupervisorException(e.Message, 1, e);
        }
        catch
        {
            foreach (var a in adopted.Values) a.Dispose();
            Dispose();
            throw;
        }
        finally
        {
            foreach (var p in passed) p.Dispose(); // closes only those not adopted (adopted ones were released)
        }
    }

    public void Dispose()
    {
        foreach (var l in _listeners) l.Close(logger);
        _listeners.Clear();
    }
}
