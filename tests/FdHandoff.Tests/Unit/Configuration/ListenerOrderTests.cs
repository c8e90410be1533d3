using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Tests.Unit.Configuration;

/// <summary>
/// The order of the listeners, which is the order a worker gets them in (fd 3, 4 ... for a systemd-protocol worker)
/// unless Workers:Listeners names them: sorted by name, as .NET's configuration lists keys, not the file's order.
/// </summary>
public sealed class ListenerOrderTests
{
    private static readonly string Worker = WorkerCommand.Resolve(Infrastructure.Binaries.Worker);

    [Fact]
    public void Listeners_are_sorted_by_name_ignoring_case_and_numbers_by_value_whatever_order_they_were_written_in()
    {
        var settings = SupervisorSettings.FromPairs(new List<KeyValuePair<string, string>>
        {
            new("Workers:Command", Worker),
            new("Listeners:web", "tcp://127.0.0.1:8081"),
            new("Listeners:10", "tcp://127.0.0.1:8082"),
            new("Listeners:Admin", "tcp://127.0.0.1:8083"),
            new("Listeners:9", "tcp://127.0.0.1:8084"),
            new("Listeners:api", "tcp://127.0.0.1:8085"),
        }, "test");

        Assert.Equal(["9", "10", "Admin", "api", "web"], settings.Listeners.Select(l => l.Name));
    }

    [Fact]
    public void Workers_Listeners_keeps_the_order_it_names_them_in()
    {
        var settings = SupervisorSettings.FromPairs(new Dictionary<string, string>
        {
            ["Workers:Command"] = Worker,
            ["Listeners:a"] = "tcp://127.0.0.1:8081",
            ["Listeners:b"] = "tcp://127.0.0.1:8082",
            ["Workers:Listeners:0"] = "b",
            ["Workers:Listeners:1"] = "a",
        }, "test");

        Assert.Equal(["b", "a"], settings.Workers.Listeners);
    }
}
