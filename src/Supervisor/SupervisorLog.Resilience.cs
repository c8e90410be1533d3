using Microsoft.Extensions.Logging;

namespace FdHandoff.Supervisor;

// 470-499: the supervisor's own resilience: re-executing itself in place (470-484), adopting the workers of a
// supervisor that died (485-499). docs/resilience.md.
internal static partial class SupervisorLog
{
    [LoggerMessage(470, LogLevel.Information, "Control socket {ControlSocket} kept from the previous image")]
    public static partial void ControlSocketKept(ILogger logger, string controlSocket);

    [LoggerMessage(471, LogLevel.Information, "Re-exec requested ({Reason})")]
    public static partial void ReexecRequested(ILogger logger, string reason);

    [LoggerMessage(472, LogLevel.Information, "Re-exec: {Executable} ({Version}) read this image's state in {TrialMs:0} ms; executing it in place")]
    public static partial void ReexecTrialPassed(ILogger logger, string executable, string version, double trialMs);

    [LoggerMessage(473, LogLevel.Error, "Re-exec failed, this image serves on: {Reason}")]
    public static partial void ReexecFailed(ILogger logger, string reason);

    [LoggerMessage(474, LogLevel.Information, "Re-executing {Executable}: {Descriptors} descriptors kept, {Workers} workers, {InTransit} connections in transit")]
    public static partial void ReexecExecuting(ILogger logger, string executable, int descriptors, int workers, int inTransit);

    [LoggerMessage(475, LogLevel.Information, "Re-executed in place: {Version} (was {PreviousVersion}) took over {ElapsedMs:0} ms after the request; generation {Generation} serving, {Workers} workers kept")]
    public static partial void Reexecuted(ILogger logger, string version, string previousVersion, double elapsedMs, int generation, int workers);

    [LoggerMessage(476, LogLevel.Error, "The new image could not take over ({Reason}): the previous executable takes over again")]
    public static partial void ReexecFallingBack(ILogger logger, string reason);

    [LoggerMessage(477, LogLevel.Warning, "Descriptors passed across the re-exec that nothing took, closed: {Names}")]
    public static partial void ReexecLeftovers(ILogger logger, string names);

    [LoggerMessage(478, LogLevel.Warning, "Re-exec ignored: {Reason}")]
    public static partial void ReexecIgnored(ILogger logger, string reason);

    [LoggerMessage(479, LogLevel.Error, "Took over again after a failed re-exec: {Reason}")]
    public static partial void ReexecFellBack(ILogger logger, string reason);

    [LoggerMessage(480, LogLevel.Warning, "Worker {WorkerPid} of generation {Generation} (slot {Slot}) exited while no image watched it")]
    public static partial void WorkerGoneMeanwhile(ILogger logger, int workerPid, int generation, int slot);

    [LoggerMessage(481, LogLevel.Warning, "Cannot write the supervisor's state to {Path}: {Reason}; a supervisor started after this one dies cannot adopt its workers")]
    public static partial void StateFileFailed(ILogger logger, string path, string reason);

    [LoggerMessage(485, LogLevel.Warning, "Adopting the workers of supervisor {DeadPid}, which died without stopping: {Alive} still run; waiting up to {WindowMs:0} ms for them to reattach")]
    public static partial void AdoptionStarting(ILogger logger, int deadPid, int alive, double windowMs);

    [LoggerMessage(486, LogLevel.Information, "Worker {WorkerPid} of generation {Generation} (slot {Slot}) reattached, {WorkerState}, {Pending} hand-overs unanswered")]
    public static partial void WorkerReattached(ILogger logger, int workerPid, int generation, int slot, string workerState, int pending);

    [LoggerMessage(487, LogLevel.Warning, "Reattach of pid {PeerPid} refused: {Reason}")]
    public static partial void ReattachRefused(ILogger logger, int peerPid, string reason);

    [LoggerMessage(488, LogLevel.Warning, "Cannot adopt from {Path}: {Reason}; starting afresh")]
    public static partial void AdoptionImpossible(ILogger logger, string path, string reason);

    [LoggerMessage(489, LogLevel.Warning, "Adopted: generation {Generation} serving, {Adopted} workers adopted ({Reattached} reattached), {NotBack} still running but not back (they drain), {Listeners} listeners held")]
    public static partial void Adopted(ILogger logger, int generation, int adopted, int reattached, int notBack, int listeners);
}
