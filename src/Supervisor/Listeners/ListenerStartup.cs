using FdHandoff.Listeners;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Systemd;
using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor.Listeners;

/// <summary>
/// The listeners at start-up, in configuration order: adopted from systemd when it passed one of that name (socket
/// activation, or our own fd store after a restart), bound here otherwise; all or none.
/// </summary>
internal static class ListenerStartup
{
    /// <summary>Every configured listener, adopted or bound, and the names systemd passed that no listener wanted (closed); a failure closes everything and throws.</summary>
    public static (List<BoundListener> Held, List<string> Unclaimed) BindAll(SupervisorSettings settings, ILogger logger)
    {
        var held = new List<BoundListener>();
        var unclaimed = new List<string>();
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
            // Passed under a name no listener has: if one of them holds a configured address, binding that
            // address fails with "in use"; the line must name the mismatch instead (FileDescriptorName=).
            var strangers = passed.Where(p => !p.Fd.IsInvalid && !p.Fd.IsClosed && !adopted.ContainsKey(p.Name)).Select(p => p.Name).Distinct().ToList();
            foreach (var spec in settings.Listeners)
            {
                if (adopted.TryGetValue(spec.Name, out var mine))
                {
                    held.Add(mine);
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
                catch (SupervisorException e) when (e.InnerException is AddressInUseException && strangers.Count > 0)
                {
                    string names = string.Join(", ", strangers.Select(n => $"'{n}'"));
                    throw new SupervisorException(
                        $"cannot bind listener {spec}: its port is in use, and systemd passed sockets named {names} that no listener is named after: if one is this listener's, set FileDescriptorName={spec.Name} in the .socket unit, or rename Listeners:{spec.Name} to {strangers[0]}",
                        SupervisorException.ConfigurationError, e);
                }
                held.Add(listener);
                SupervisorLog.ListenerBound(logger, spec.Name, spec.Address, listener.Fd);
            }
            foreach (var extra in passed.Where(p => !p.Fd.IsInvalid && !p.Fd.IsClosed))
            {
                // A listener removed from the configuration, or a socket unit nobody configured: not ours to serve.
                SupervisorLog.PassedFdUnclaimed(logger, extra.Name, extra.Fd.Value);
                unclaimed.Add(extra.Name);
            }
            return (held, unclaimed);
        }
        catch (SctpUnavailableException e)
        {
            foreach (var a in adopted.Values) a.Dispose();
            foreach (var h in held) h.Dispose();
            throw new SupervisorException(e.Message, 1, e);
        }
        catch
        {
            foreach (var a in adopted.Values) a.Dispose();
            foreach (var h in held) h.Dispose();
            throw;
        }
        finally
        {
            foreach (var p in passed) p.Dispose(); // closes only those not adopted (adopted ones were released)
        }
    }
}
