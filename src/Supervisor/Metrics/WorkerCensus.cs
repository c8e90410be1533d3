using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.Metrics;

/// <summary>
/// The worker table at one moment, as the workers gauge and the health endpoints see it: each worker by role
/// (its generation serving, newer and starting, older and retiring) and state.
/// </summary>
/// <param name="slotOwners">Each slot and the generation that owns it: the serving one, or mid-roll the old or the
/// new one (<see cref="SlotTable.Owners"/>); its count follows the serving plan, so a reload's new
/// Workers:Count counts from the moment that generation serves.</param>
internal sealed class WorkerCensus(int servingGeneration, IReadOnlyDictionary<int, int> slotOwners, IReadOnlyList<WorkerProcess> workers)
{
    public static readonly string[] Roles = ["serving", "starting", "retiring"];
    public static readonly WorkerState[] States = [WorkerState.Spawned, WorkerState.Connected, WorkerState.HandedOff, WorkerState.Ready, WorkerState.Draining];

    public int ServingGeneration { get; } = servingGeneration;

    /// <summary>Workers the serving plan runs (its Workers:Count).</summary>
    public int Slots => slotOwners.Count;

    public int Count(string role, WorkerState state) => workers.Count(w => w.State == state && RoleOf(w) == role);

    /// <summary>
    /// Every slot of the serving generation has a live process. A slot is empty between a crash and its
    /// restart, and stays empty while the restart backoff grows in a crash loop.
    /// </summary>
    public bool EverySlotFilled =>
        slotOwners.All(slot => workers.Any(w => w.Generation == slot.Value && w.Slot == slot.Key && w.State is not (WorkerState.Exited or WorkerState.Draining)));

    private string RoleOf(WorkerProcess w) => w.Generation == ServingGeneration ? "serving" : w.Generation > ServingGeneration ? "starting" : "retiring";
}
