using FdHandoff.Listeners;
using FdHandoff.Supervisor.Listeners;
using Microsoft.Extensions.Configuration;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Reads and checks the configuration before anything is bound or spawned, so a typo costs one
/// clear line and nothing that serves is touched.
/// </summary>
internal static class SettingsLoader
{
    public static SupervisorSettings Load(IConfiguration configuration)
    {
        var listeners = new List<ListenerSpec>();
        foreach (var entry in configuration.GetSection("Listeners").GetChildren())
        {
            if (string.IsNullOrWhiteSpace(entry.Value)) continue; // an emptied entry removes a default listener
            try
            {
                listeners.Add(ListenerSpec.Parse(entry.Key, entry.Value));
            }
            catch (ListenerSpecException e)
            {
                throw new SupervisorException(e.Message, SupervisorException.ConfigurationError, e);
            }
        }
        foreach (var twice in listeners.GroupBy(l => ListenerIdentity.Of(l)).Where(g => g.Count() > 1))
            throw new SupervisorException($"listeners {string.Join(" and ", twice.Select(l => l.Name))} both have the address {twice.First().Address}: give each listener its own address", SupervisorException.ConfigurationError);
        if (listeners.Count == 0)
            throw new SupervisorException("no listeners configured: add one, e.g. --listen http=tcp://127.0.0.1:8080", SupervisorException.ConfigurationError);

        EnumSetting<WorkerProtocol>.Check(configuration, "Workers:Protocol");
        EnumSetting<NotifyAccess>.Check(configuration, "Workers:NotifyAccess");
        EnumSetting<ReadyMode>.Check(configuration, "Workers:Ready");
        var workers = new WorkerSettings();
        configuration.GetSection("Workers").Bind(workers);
        if (workers.Count < 1)
            throw new SupervisorException($"Workers:Count is {workers.Count}: at least 1 worker is needed", SupervisorException.ConfigurationError);
        workers.Strategy = UpgradeStrategy.Normalize(workers.Strategy)
            ?? throw new SupervisorException($"Workers:Strategy is '{workers.Strategy}': write \"{UpgradeStrategy.AllAtOnce}\" (the default) or \"{UpgradeStrategy.Rolling}\" (slot by slot)", SupervisorException.ConfigurationError);
        if (workers.StartNice is < 0 or > 19)
            throw new SupervisorException($"Workers:StartNice is {workers.StartNice}: use a nice value from 0 (off) to 19 (lowest priority)", SupervisorException.ConfigurationError);
        if (workers.ReadyTimeout <= TimeSpan.Zero || workers.DrainTimeout <= TimeSpan.Zero)
            throw new SupervisorException("Workers:ReadyTimeout and Workers:DrainTimeout must be positive (e.g. 00:00:30)", SupervisorException.ConfigurationError);

        SystemdWorkerCheck.Check(workers, listeners);

        var firstMessage = configuration.GetValue("Control:FirstMessageTimeout", SupervisorSettings.DefaultFirstMessageTimeout);
        if (firstMessage <= TimeSpan.Zero)
            throw new SupervisorException("Control:FirstMessageTimeout must be positive (e.g. 00:00:05)", SupervisorException.ConfigurationError);

        return new SupervisorSettings(listeners, workers, WorkerCommand.Resolve(workers.Command), ControlSocketLocation.Resolve(configuration["ControlSocket"]))
        {
            FirstMessageTimeout = firstMessage,
            ControlSocketGroup = string.IsNullOrWhiteSpace(configuration["ControlSocketGroup"]) ? null : ControlSocketGroup.Resolve(configuration["ControlSocketGroup"]!.Trim()),
            SkipUnavailableSctp = configuration.GetValue("SkipUnavailableSctp", false),
            MetricsListen = Metrics.MetricsAddress.Parse(configuration["Metrics:Listen"]),
        };
    }
}
