namespace FdHandoff.Supervisor.Workers;

/// <summary>
/// Which generation serves, and which generation owns each slot: the one owner of "whose worker belongs where".
/// Normally every slot of the serving generation's plan is its own. Mid-roll (a rolling upgrade, or after a roll
/// back that could not restore a slot) each slot has its own owner, handed on one at a time by <see cref="GiveSlot"/>.
/// A crashed worker is restarted only into a slot its generation owns (<see cref="SpawnIfOwner"/>, which checks
/// and spawns as one step, so a roll cannot hand the slot on in between). It also keeps each generation's
/// <see cref="GenerationPlan"/> while that generation has a worker, serves or owns a slot: a roll back restores a
/// slot from its previous owner's plan even when none of that generation's workers is alive at the moment.
/// Lock order: this table's lock, then the <see cref="WorkerTable"/>'s, then a worker's lifecycle's.
/// </summary>
internal sealed class SlotTable(WorkerTable workers)
{
    private readonly Lock _lock = new();
    // Slot -> owning generation while that is not the serving generation for every slot. Empty: every slot is _serving's.
    private readonly Dictionary<int, int> _owners = [];
    private readonly Dictionary<int, GenerationPlan> _plans = [];
    private int _serving;
    private int _lastGeneration;

    /// <summary>The generation that serves now (0 before the first is ready).</summary>
    public int ServingGeneration { get { lock (_lock) return _serving; } }

    /// <summary>A new generation number, never used before.</summary>
    public int NextGeneration()
    {
        lock (_lock) return ++_lastGeneration;
    }

    /// <summary>Makes <paramref name="generation"/> the serving one, owner of every slot.</summary>
    public void Promote(int generation)
    {
        lock (_lock)
        {
            _serving = generation;
            _owners.Clear();
        }
    }

    /// <summary>
    /// Mid-roll: makes <paramref name="generation"/> the serving one (handed-over connections go to its ready
    /// workers) while every slot keeps the owner it has until <see cref="GiveSlot"/> hands it on.
    /// </summary>
    public void PromoteMidRoll(int generation)
    {
        lock (_lock)
        {
            FillOwnersLocked();
            _serving = generation;
        }
    }

    /// <summary>
    /// Slot to owning generation, every slot that has a worker or will get one after a crash: the serving
    /// generation's slots, or mid-roll each slot's own owner.
    /// </summary>
    public IReadOnlyDictionary<int, int> Owners()
    {
        lock (_lock)
        {
            if (_owners.Count > 0) return new Dictionary<int, int>(_owners);
            return Enumerable.Range(0, SlotCountLocked(_serving)).ToDictionary(slot => slot, _ => _serving);
        }
    }

    /// <summary>The generation serving <paramref name="slot"/>: its owner mid-roll, the serving generation otherwise.</summary>
    public int OwnerOf(int slot)
    {
        lock (_lock) return _owners.TryGetValue(slot, out int owner) ? owner : _serving;
    }

    /// <summary>
    /// Hands <paramref name="slot"/> to <paramref name="to"/>'s generation (null: to nobody, the slot is gone) and
    /// returns the slot's other workers: the ones to drain now. From here a crash of the slot's old worker is not
    /// restarted and a restart pending for it is dropped. Null, and nothing changes, when <paramref name="to"/> is
    /// no longer ready (it died meanwhile).
    /// </summary>
    public IReadOnlyList<WorkerProcess>? GiveSlot(int slot, WorkerProcess? to)
    {
        lock (_lock)
        {
            if (to is not null && to.State != WorkerState.Ready) return null;
            FillOwnersLocked();
            if (to is not null) _owners[slot] = to.Generation;
            else _owners.Remove(slot);
            return workers.Where(w => w.Slot == slot && w != to && !w.Retired);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while no worker can be spawned (every spawn takes this table's lock): a re-exec
    /// clears FD_CLOEXEC on what it keeps, and a child started in that instant would inherit it.
    /// </summary>
    public T WhileNoSpawn<T>(Func<T> action)
    {
        lock (_lock) return action();
    }

    /// <summary>True when <paramref name="generation"/> owns <paramref name="slot"/>: a crash of its worker there is restarted.</summary>
    public bool Owns(int generation, int slot)
    {
        lock (_lock) return OwnsLocked(generation, slot);
    }

    /// <summary>Spawns with <paramref name="spawn"/> only while <paramref name="generation"/> owns <paramref name="slot"/>, as one step; null when it does not.</summary>
    public WorkerProcess? SpawnIfOwner(int generation, int slot, Func<WorkerProcess> spawn)
    {
        lock (_lock) return OwnsLocked(generation, slot) ? spawn() : null;
    }

    /// <summary>
    /// Runs <paramref name="spawn"/> (a worker of <paramref name="plan"/>) and keeps the plan while its generation has a
    /// worker, serves or owns a slot, as one step: <see cref="ForgetIfUnused"/> cannot drop a plan whose worker is being spawned.
    /// </summary>
    public WorkerProcess Spawn(GenerationPlan plan, Func<WorkerProcess> spawn)
    {
        lock (_lock)
        {
            _plans[plan.Generation] = plan;
            return spawn();
        }
    }

    /// <summary>The plan <paramref name="generation"/> was built from, while it has workers, serves or owns a slot.</summary>
    public GenerationPlan? PlanOf(int generation)
    {
        lock (_lock) return _plans.GetValueOrDefault(generation);
    }

    /// <summary>Forgets <paramref name="generation"/>'s plan if it no longer serves, owns no slot and has no worker left.</summary>
    public void ForgetIfUnused(int generation)
    {
        lock (_lock)
        {
            if (generation != _serving && !_owners.ContainsValue(generation) && !workers.Any(w => w.Generation == generation))
                _plans.Remove(generation);
        }
    }

    /// <summary>What this table holds, to be written out and read back (<see cref="Restore"/>).</summary>
    public SlotTableSnapshot Snapshot()
    {
        lock (_lock)
            return new SlotTableSnapshot(_serving, _lastGeneration, new Dictionary<int, int>(_owners), _plans.Values.OrderBy(p => p.Generation).ToList());
    }

    /// <summary>Takes over what <paramref name="saved"/> says; only into a table nothing has used yet.</summary>
    public void Restore(SlotTableSnapshot saved)
    {
        lock (_lock)
        {
            if (_lastGeneration != 0) throw new InvalidOperationException("a slot table in use cannot be restored");
            _serving = saved.ServingGeneration;
            _lastGeneration = saved.LastGeneration;
            foreach (var (slot, owner) in saved.Owners) _owners[slot] = owner;
            foreach (var plan in saved.Plans) _plans[plan.Generation] = plan;
        }
    }

    private bool OwnsLocked(int generation, int slot) =>
        _owners.Count > 0 ? _owners.TryGetValue(slot, out int owner) && owner == generation : generation == _serving;

    // Before the first slot changes hands, every slot of the serving generation's plan is its own.
    private void FillOwnersLocked()
    {
        if (_owners.Count > 0) return;
        foreach (int slot in Enumerable.Range(0, SlotCountLocked(_serving))) _owners[slot] = _serving;
    }

    private int SlotCountLocked(int generation) => _plans.GetValueOrDefault(generation)?.Settings.Workers.Count ?? 0;
}
