using FdHandoff.Supervisor.Configuration;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// Every listening socket of the supervisor, in configuration order. Owns them from bind until the
/// supervisor exits (invariant 1); <see cref="Dispose"/> closes them.
/// </summary>
public sealed class ListenerSet(SupervisorSettings settings, ILogger<ListenerSet> logger) : IDisposable
{
    private readonly List<BoundListener> _listeners = [];

    public IReadOnlyList<BoundListener> All => _listeners;

    /// <summary>Binds every configured listener, or none: a failure closes what was bound and throws.</summary>
    public void BindAll()
    {
        try
        {
            foreach (var spec in settings.Listeners)
            {
                var listener = ListenerBinder.Bind(spec);
                _listeners.Add(listener);
                SupervisorLog.ListenerBound(logger, spec.Name, spec.Address, listener.Fd);
            }
        }
        catch (SctpUnavailableException e)
        {
            Dispose();
            throw new SupervisorException(e.Message, 1, e);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var l in _listeners) l.Dispose();
        _listeners.Clear();
    }
}
