using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Integration.Reload;

/// <summary>
/// The configuration files a new user gets wrong, each with the line the supervisor must answer with (at start:
/// exit 2; at reload: refused, <c>fdhandoff upgrade</c> exits 1). Built around a working file: one http
/// listener, the test worker, the test's control socket.
/// </summary>
internal static class BadConfiguration
{
    public static readonly string[] FileCases =
    [
        "unknown section Worker", "unknown section Listners", "unknown worker key", "count not a number",
        "duration as a number", "listener twice", "listener twice in another case", "malformed json",
        "missing worker command", "malformed listener", "section as a value", "start nice out of range",
        "protocol misspelt", "notify access as a number", "ready misspelt",
    ];

    /// <summary>The file of <paramref name="name"/>'s case and the text its one line must contain.</summary>
    public static (string Json, string Line) File(string name, int httpPort, string controlSocket)
    {
        string worker = Binaries.Worker;
        string listeners = $"\"http\": \"tcp://127.0.0.1:{httpPort}\"";
        string Good(string workers = "\"Count\": 1", string? listenerBlock = null, string extra = "") =>
            $"{{\n  \"Listeners\": {{ {listenerBlock ?? listeners} }},\n  \"ControlSocket\": \"{controlSocket}\",\n  \"Workers\": {{ \"Command\": \"{worker}\", {workers} }}{extra}\n}}\n";
        return name switch
        {
            "unknown section Worker" => (Good(extra: ",\n  \"Worker\": { \"Count\": 2 }"), ":5: unknown key 'Worker': did you mean 'Workers'?"),
            "unknown section Listners" => (Good(extra: ",\n  \"Listners\": { \"web\": \"tcp://127.0.0.1:1\" }"), ":5: unknown key 'Listners': did you mean 'Listeners'?"),
            "unknown worker key" => (Good(workers: "\"Count\": 1, \"Cuont\": 2"), ":4: unknown key 'Workers:Cuont': did you mean 'Workers:Count'?"),
            "count not a number" => (Good(workers: "\"Count\": \"two\""), ":4: Workers:Count is 'two', not a whole number: write e.g. 2"),
            "duration as a number" => (Good(workers: "\"Count\": 1, \"ReadyTimeout\": 30"), ":4: Workers:ReadyTimeout is 30, which would be read as 30 days: write a duration as \"hh:mm:ss\", e.g. \"00:00:30\""),
            "listener twice" => (Good(listenerBlock: $"{listeners},\n \"http\": \"tcp://127.0.0.1:{httpPort + 1}\""), ":3:2: key 'Listeners:http' is given twice (first at line 2): keep one"),
            "listener twice in another case" => (Good(listenerBlock: $"{listeners},\n \"HTTP\": \"tcp://127.0.0.1:{httpPort + 1}\""), ":3:2: key 'Listeners:HTTP' is given twice (first as 'http' (keys ignore case) at line 2): keep one"),
            "malformed json" => (Good().Replace("\"ControlSocket\"", "\"ControlSocket\" " + "\"x\","), ":3:19: not valid JSON"),
            "missing worker command" => (Good().Replace(worker, "/nonexistent/worker"), "worker command '/nonexistent/worker' not found"),
            "malformed listener" => (Good(listenerBlock: $"\"http\": \"tcp://127.0.0.1:{httpPort}\", \"web\": \"tcp://localhost:8080\""), "listener 'web' (tcp://localhost:8080): 'localhost' is not an IP address"),
            "start nice out of range" => (Good(workers: "\"Count\": 1, \"StartNice\": 20"), "Workers:StartNice is 20: use a nice value from 0 (off) to 19 (lowest priority)"),
            "protocol misspelt" => (Good(workers: "\"Count\": 1, \"Protocol\": \"sytemd\""), "Workers:Protocol is 'sytemd': write \"fdhandoff\" or \"systemd\""),
            "notify access as a number" => (Good(workers: "\"Count\": 1, \"NotifyAccess\": \"7\""), "Workers:NotifyAccess is '7': write \"main\" or \"all\""),
            "ready misspelt" => (Good(workers: "\"Count\": 1, \"Ready\": \"notfy\""), "Workers:Ready is 'notfy': write \"notify\" or \"started\""),
            "section as a value" => (Good(extra: ",\n  \"Control\": \"fast\""), ":5: Control is a section, not a value: write \"Control\": { ... }"),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
