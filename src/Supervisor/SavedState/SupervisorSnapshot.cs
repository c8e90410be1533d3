namespace FdHandoff.Supervisor.SavedState;

/// <summary>
/// The supervisor's whole state at one moment, as data: what a new image of the supervisor reads back to go on
/// where this one stopped (docs/architecture.md, "Who owns what"). Each part is taken from its one owner by
/// <see cref="SupervisorState.Capture"/>. Descriptors are not data: each is named by what holds it (a listener by
/// name, a worker's control channel by the worker's pid, a connection in transit by its transit id) and travels
/// beside this, never inside it.
/// </summary>
/// <param name="Format">The layout of this record (<see cref="SupervisorState.Format"/>); a reader refuses a newer one.</param>
/// <param name="WrittenBy">The version of the supervisor that wrote it.</param>
/// <param name="SlotOwners">Each slot's owner while they differ from the serving generation (mid-roll); empty otherwise.</param>
/// <param name="CrashesInARow">Per slot, the crashes in a row the restart backoff counts.</param>
internal sealed record SupervisorSnapshot(
    int Format,
    string WrittenBy,
    int SupervisorPid,
    SupervisorLifeRecord Life,
    int ServingGeneration,
    int LastGeneration,
    IReadOnlyDictionary<int, int> SlotOwners,
    IReadOnlyList<PlanRecord> Plans,
    IReadOnlyList<WorkerRecord> Workers,
    IReadOnlyDictionary<int, int> CrashesInARow,
    string LastUpgrade,
    Upgrades.RetirementRecord LastRetirement,
    HandOverRecord HandOvers);
