using FdHandoff.Supervisor.SavedState;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// What the supervisor's old image hands its new one across the exec, in an anonymous file whose descriptor is named
/// by FDHANDOFF_REEXEC_STATE: the whole state, the settings it started with (a re-exec is not a reload), the
/// listeners it holds, which descriptor is what, the admin requests to answer, and who asked when.
/// </summary>
internal sealed record ReexecHandOff(
    SupervisorSnapshot State,
    IReadOnlyList<KeyValuePair<string, string>> StartSettings,
    IReadOnlyList<HeldListenerRecord> Listeners,
    IReadOnlyList<PassedDescriptor> Descriptors,
    IReadOnlyList<PendingAdminRecord> Admin,
    string PreviousVersion,
    DateTimeOffset RequestedAt);
