using System.Text.Json;
using FdHandoff.Supervisor.Configuration;
using FdHandoff.Supervisor.Listeners;
using FdHandoff.Supervisor.LiveConnections;
using FdHandoff.Supervisor.Upgrades;
using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// Writes the supervisor's state out and reads it back: <see cref="Capture"/> asks each owner for its part (the
/// <see cref="SlotTable"/>, the <see cref="WorkerTable"/> and each worker's lifecycle, the <see cref="CrashRestarts"/>,
/// the <see cref="UpgradeHistory"/>, the <see cref="ConnectionRouter"/>), <see cref="Write"/> and <see cref="Read"/>
/// turn a snapshot into versioned JSON and back. The JSON holds the workers' tokens: it is for the supervisor's own
/// next image (an anonymous file handed across exec), never for the control socket.
/// </summary>
internal sealed class SupervisorState(WorkerPool pool, UpgradeHistory history, ConnectionRouter router, Resilience.SupervisorLife life)
{
    /// <summary>The layout written now. A reader takes this and older ones it knows, and refuses newer ones with one line.</summary>
    public const int Format = 1;

    public SupervisorSnapshot Capture()
    {
        var slots = pool.Slots.Snapshot();
        var (lastUpgrade, lastRetirement) = history.Snapshot();
        return new SupervisorSnapshot(
            Format,
            Cli.VersionText.Describe(),
            Environment.ProcessId,
            life.Snapshot(),
            slots.ServingGeneration,
            slots.LastGeneration,
            slots.Owners,
            slots.Plans.Select(ToRecord).ToList(),
            pool.Table.All.Select(w => w.Snapshot()).ToList(),
            pool.Restarts.Snapshot(),
            lastUpgrade,
            lastRetirement,
            router.Snapshot());
    }

    public static void Write(SupervisorSnapshot snapshot, Stream to) =>
        JsonSerializer.Serialize(to, snapshot, SupervisorStateJson.Default.SupervisorSnapshot);

    /// <summary>A snapshot <see cref="Write"/> wrote, or one line saying why it cannot be read.</summary>
    public static SupervisorSnapshot Read(Stream from)
    {
        SupervisorSnapshot? snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize(from, SupervisorStateJson.Default.SupervisorSnapshot);
        }
        catch (JsonException e)
        {
            throw new SupervisorException($"the saved state is not readable: {e.Message}");
        }
        if (snapshot is null) throw new SupervisorException("the saved state is empty");
        if (snapshot.Format > Format)
            throw new SupervisorException($"the saved state has format {snapshot.Format} (written by {snapshot.WrittenBy}); this fdhandoff reads up to format {Format}");
        return snapshot;
    }

    /// <summary>A plan as data: its settings as configuration pairs, its listeners by name.</summary>
    public static PlanRecord ToRecord(GenerationPlan plan) =>
        new(plan.Generation, plan.Settings.ToPairs(), plan.Listeners.Select(l => l.Spec.Name).ToList());

    /// <summary>
    /// The plan <paramref name="record"/> describes, its settings read and checked again and its listeners found among
    /// <paramref name="held"/> by name; one line when one of them is not held.
    /// </summary>
    public static GenerationPlan ToPlan(PlanRecord record, IReadOnlyList<BoundListener> held)
    {
        var settings = SupervisorSettings.FromPairs(record.Settings, $"saved plan of generation {record.Generation}");
        var listeners = record.Listeners.Select(name => held.FirstOrDefault(l => l.Spec.Name == name)
            ?? throw new SupervisorException($"the saved plan of generation {record.Generation} names listener {name}, which is not held")).ToList();
        return new GenerationPlan(record.Generation, settings, listeners);
    }
}
