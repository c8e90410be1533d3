using System.Text.Json;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Runs Integration/Security/rogue-client.py (python3 speaking the control protocol by hand), as this
/// user or as another one (setpriv), and returns what each attempt got.
/// </summary>
public static class RogueClient
{
    public const uint Nobody = 65534;

    /// <summary>Every message kind a rogue can try first on a connection.</summary>
    public static readonly string[] EveryAttempt =
        ["hello-guessed", "hello-empty", "hello-worker-pid", "listeners", "ready", "drain", "bye", "error", "upgrade", "status",
         "hand-over", "hand-over-result", "connection", "connection-taken", "load"];

    public sealed record Attempt(string Name, int Pid, uint Uid, string Connect, int Fds, IReadOnlyList<int> Replies, bool Closed);

    /// <summary>
    /// Runs the attempts. With <paramref name="asUid"/> the script runs under setpriv as that uid (and the
    /// same gid) with no supplementary groups but <paramref name="groups"/>; it is copied into
    /// <paramref name="readableDir"/> first, since the build output may not be readable by that user.
    /// </summary>
    public static async Task<IReadOnlyList<Attempt>> RunAsync(string controlSocket, int workerPid, IEnumerable<string> attempts,
        string readableDir, uint? asUid = null, uint[]? groups = null)
    {
        string script = Path.Combine(readableDir, "rogue-client.py");
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Integration", "Security", "rogue-client.py"), script, overwrite: true);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var args = new List<string>();
        string file = "/usr/bin/python3";
        if (asUid is { } uid)
        {
            file = "/usr/bin/setpriv";
            args.AddRange([$"--reuid={uid}", $"--regid={uid}", groups is { Length: > 0 } ? $"--groups={string.Join(',', groups)}" : "--clear-groups", "/usr/bin/python3"]);
        }
        args.AddRange([script, controlSocket, workerPid.ToString()]);
        args.AddRange(attempts);
        var result = await ProcessRunner.RunAsync(file, args, TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"rogue client failed ({result.ExitCode}): {result.Stderr}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
    }

    private static Attempt Parse(string line)
    {
        var j = JsonDocument.Parse(line).RootElement;
        return new Attempt(
            j.GetProperty("attempt").GetString()!,
            j.GetProperty("pid").GetInt32(),
            j.GetProperty("uid").GetUInt32(),
            j.GetProperty("connect").GetString()!,
            j.GetProperty("fds").GetInt32(),
            j.GetProperty("replies").EnumerateArray().Select(r => r.GetInt32()).ToList(),
            j.GetProperty("closed").GetBoolean());
    }
}
