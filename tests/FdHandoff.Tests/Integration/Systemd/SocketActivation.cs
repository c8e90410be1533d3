using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Systemd;

/// <summary>
/// A supervisor started the way systemd starts a socket-activated service, with activate.py playing systemd
/// on a host where systemd is not PID 1 (tests/systemd runs against a real one).
/// </summary>
internal static class SocketActivation
{
    /// <summary>
    /// The launcher for <see cref="SupervisorProcess.Start(SupervisorOptions, string[], IDictionary{string, string}?, string[])"/>:
    /// activate.py passing one socket per <c>NAME=[KIND:]ADDRESS</c> in <paramref name="listeners"/>, from fd 3.
    /// </summary>
    public static string[] Launcher(params string[] listeners) =>
        ["python3", Path.Combine(AppContext.BaseDirectory, "Integration", "Systemd", "activate.py"), .. listeners.SelectMany(l => new[] { "--listen", l }), "--"];

    /// <summary>
    /// Starts a supervisor for <paramref name="options"/> given the <paramref name="passed"/> sockets, which it must
    /// refuse: asserts that it exits with 2 and wrote one line, and returns that line.
    /// </summary>
    public static async Task<string> RefusalAsync(SupervisorOptions options, params string[] passed)
    {
        await using var supervisor = SupervisorProcess.Start(options, Launcher(passed), null);
        int code = await supervisor.WaitExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, code);
        return Assert.Single(supervisor.Log.Lines);
    }
}
