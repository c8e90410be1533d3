namespace FdHandoff.Supervisor.Metrics;

/// <summary>
/// The logged refusal texts carry pids and generations; a metric label must take few values, so each text
/// maps to one fixed reason (docs/security.md describes each case).
/// </summary>
internal static class RefusalReason
{
    public static string Of(string why) => why switch
    {
        _ when why.StartsWith("not a worker", StringComparison.Ordinal) => "unknown_peer",
        _ when why.StartsWith("claims pid", StringComparison.Ordinal) => "wrong_pid",
        _ when why.StartsWith("claims generation", StringComparison.Ordinal) => "wrong_generation",
        _ when why.StartsWith("wrong token", StringComparison.Ordinal) => "wrong_token",
        _ when why.StartsWith("already said hello", StringComparison.Ordinal) => "repeated_hello",
        _ when why.StartsWith("sent nothing", StringComparison.Ordinal) => "silent",
        _ when why.Contains(" needs ", StringComparison.Ordinal) => "not_permitted",
        _ => "bad_message",
    };
}
