using System.Diagnostics.Metrics;
using FdHandoff.Supervisor.Workers;

namespace FdHandoff.Supervisor.Metrics;

/// <summary>
/// The supervisor's instruments (System.Diagnostics.Metrics), one call per event at the place it happens.
/// Names are OpenTelemetry-style; the Prometheus exporter adds the unit and <c>_total</c> suffixes
/// (<c>fdhandoff.upgrades</c> → <c>fdhandoff_upgrades_total</c>, <c>fdhandoff.upgrade.duration</c> in s →
/// <c>fdhandoff_upgrade_duration_seconds</c>). Recording costs next to nothing when no exporter listens
/// (<c>Metrics:Listen</c> unset). The list, with what to watch: docs/operations.md.
/// </summary>
internal sealed class SupervisorMetrics : IDisposable
{
    public const string MeterName = "FdHandoff.Supervisor";

    // Upgrades and drains take from ~50 ms (NativeAOT workers) to the ready/drain timeouts (30 s, 10 s).
    private static readonly double[] SecondsBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    // A hand-off is a few sendmsg calls: micro- to milliseconds.
    private static readonly double[] HandoffBuckets = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5];

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _upgrades;
    private readonly Histogram<double> _upgradeDuration;
    private readonly Counter<long> _crashes;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _listenersHandedOff;
    private readonly Histogram<double> _handoffDuration;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _drainDuration;
    private readonly Counter<long> _killedAtDeadline;
    private Func<WorkerCensus>? _census;
    private Func<SavedState.SupervisorLifeRecord>? _life;

    public SupervisorMetrics()
    {
        _upgrades = _meter.CreateCounter<long>("fdhandoff.upgrades", "{upgrade}", "Upgrades by outcome (ok, failed: rolled back, the old generation kept serving)");
        _upgradeDuration = _meter.CreateHistogram("fdhandoff.upgrade.duration", "s", "From an upgrade's start to every new worker ready (or the rollback)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _crashes = _meter.CreateCounter<long>("fdhandoff.worker.crashes", "{crash}", "Workers that exited without being told to");
        _restarts = _meter.CreateCounter<long>("fdhandoff.worker.restarts", "{restart}", "Restarts scheduled for crashed workers of the serving generation");
        _listenersHandedOff = _meter.CreateCounter<long>("fdhandoff.listeners.handed_off", "{listener}", "Listening sockets handed to workers");
        _handoffDuration = _meter.CreateHistogram("fdhandoff.handoff.duration", "s", "Time to send one worker all its listeners",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HandoffBuckets });
        _refusals = _meter.CreateCounter<long>("fdhandoff.control.refusals", "{connection}", "Control-socket connections refused, by reason");
        _drainDuration = _meter.CreateHistogram("fdhandoff.drain.duration", "s", "From a generation's drain to its last worker's exit",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _killedAtDeadline = _meter.CreateCounter<long>("fdhandoff.workers.killed", "{worker}", "Workers killed because they did not drain by the deadline");
        _meter.CreateObservableGauge("fdhandoff.workers", ObserveWorkers, "{worker}", "Workers by role (serving, starting, retiring) and state");
        _meter.CreateObservableGauge("fdhandoff.worker.slots", () => _census?.Invoke().Slots ?? 0, "{worker}", "Workers a generation has (Workers:Count): compare with the serving ones");
        _meter.CreateObservableGauge("fdhandoff.serving_generation", () => _census?.Invoke().ServingGeneration ?? 0, "{generation}", "The generation that serves (0 before the first is ready)");
        // Carried across re-execs and adoptions (SupervisorLife): counters of the supervisor's whole life, not of one image.
        _meter.CreateObservableCounter("fdhandoff.supervisor.reexecs", ObserveLife, "{reexec}", "Re-executions of the supervisor in place, by outcome (ok, failed: the old image served on)");
        _meter.CreateObservableCounter("fdhandoff.supervisor.adoptions", () => _life?.Invoke().Adoptions ?? 0, "{adoption}", "Supervisors started where one had died, adopting its workers");
        _meter.CreateObservableGauge("fdhandoff.open_fds", ProcessFigures.OpenDescriptors, "{fd}", "Open file descriptors of the supervisor");
        _meter.CreateObservableGauge("fdhandoff.resident_memory", ProcessFigures.ResidentBytes, "By", "Resident set size of the supervisor");
    }

    /// <summary>
    /// Counters start at 0, so that Prometheus' increase() sees the first upgrade failure, crash or kill
    /// (a series that first appears at 1 shows no increase). Called once the exporter listens: before, nothing records.
    /// </summary>
    public void StartAtZero()
    {
        _upgrades.Add(0, new KeyValuePair<string, object?>("outcome", "ok"));
        _upgrades.Add(0, new KeyValuePair<string, object?>("outcome", "failed"));
        _crashes.Add(0);
        _restarts.Add(0);
        _listenersHandedOff.Add(0);
        _killedAtDeadline.Add(0);
    }

    /// <summary>Where the supervisor's life (re-execs, adoptions) is read from.</summary>
    public void ObserveLife(Func<SavedState.SupervisorLifeRecord> life) => _life = life;

    private IEnumerable<Measurement<long>> ObserveLife()
    {
        if (_life?.Invoke() is not { } life) yield break;
        yield return new Measurement<long>(life.Reexecs, new KeyValuePair<string, object?>("outcome", "ok"));
        yield return new Measurement<long>(life.FailedReexecs, new KeyValuePair<string, object?>("outcome", "failed"));
    }

    /// <summary>Where the workers gauges read the pool from, set once the pool exists (the pool itself records here).</summary>
    public void ObserveWorkers(Func<WorkerCensus> census) => _census = census;

    public void UpgradeFinished(bool ok, TimeSpan elapsed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", ok ? "ok" : "failed");
        _upgrades.Add(1, outcome);
        _upgradeDuration.Record(elapsed.TotalSeconds, outcome);
    }

    public void WorkerCrashed() => _crashes.Add(1);

    public void WorkerRestartScheduled() => _restarts.Add(1);

    public void ListenersHandedOff(int count, TimeSpan elapsed)
    {
        _listenersHandedOff.Add(count);
        _handoffDuration.Record(elapsed.TotalSeconds);
    }

    /// <summary>A refused control connection; <paramref name="why"/> is the logged text, reduced to a few fixed reasons.</summary>
    public void ControlRefused(string why) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", RefusalReason.Of(why)));

    public void GenerationDrained(TimeSpan elapsed) => _drainDuration.Record(elapsed.TotalSeconds);

    public void WorkerKilledAtDeadline() => _killedAtDeadline.Add(1);

    private IEnumerable<Measurement<int>> ObserveWorkers()
    {
        if (_census?.Invoke() is not { } census) yield break;
        // Every role × state pair every time, zeros included: a series never goes stale at its last value.
        foreach (string role in WorkerCensus.Roles)
            foreach (var state in WorkerCensus.States)
                yield return new Measurement<int>(census.Count(role, state),
                    new KeyValuePair<string, object?>("role", role), new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant()));
    }

    public void Dispose() => _meter.Dispose();
}
