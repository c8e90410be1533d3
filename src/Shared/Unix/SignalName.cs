using FdHandoff.Interop;

namespace FdHandoff.Unix;

/// <summary>The signals a configuration may name (<c>SIGTERM</c>, <c>TERM</c> or <c>15</c>), as numbers.</summary>
internal static class SignalName
{
    private static readonly Dictionary<string, int> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HUP"] = Signals.HangUp, ["INT"] = Signals.Interrupt, ["QUIT"] = Signals.Quit, ["KILL"] = Signals.Kill,
        ["USR1"] = Signals.User1, ["USR2"] = Signals.User2, ["TERM"] = Signals.Terminate, ["WINCH"] = Signals.WindowChanged,
    };

    /// <summary>SIGTERM: the graceful stop of gunicorn, Puma, Node.js and most servers.</summary>
    internal static int Term => Signals.Terminate;

    /// <summary>SIGKILL.</summary>
    internal static int Kill => Signals.Kill;

    /// <summary>SIGUSR2: what re-executes the supervisor.</summary>
    internal static int User2 => Signals.User2;

    /// <summary>The number of <paramref name="text"/>, or null when it names no signal we know.</summary>
    internal static int? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        string t = text.Trim();
        if (int.TryParse(t, out int n)) return n is > 0 and < 65 ? n : null;
        if (t.StartsWith("SIG", StringComparison.OrdinalIgnoreCase)) t = t[3..];
        return Known.TryGetValue(t, out int value) ? value : null;
    }

    /// <summary>
    /// Why <paramref name="signal"/> cannot ask a process to stop gracefully (it cannot be caught), or null when
    /// it can.
    /// </summary>
    internal static string? WhyNotGraceful(int signal) => signal switch
    {
        Signals.Kill => "SIGKILL (9) cannot be caught: the worker would die at once, with the requests it is serving",
        Signals.Stop => "SIGSTOP (19) cannot be caught: the worker would freeze, serving nothing, until the deadline's SIGKILL",
        _ => null,
    };

    /// <summary>The names <see cref="Parse"/> takes, for an error message.</summary>
    internal static string Names => string.Join(", ", Known.Keys.Select(k => "SIG" + k));
}
