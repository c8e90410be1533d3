using FdHandoff.Supervisor;
using FdHandoff.Supervisor.Cli;
using FdHandoff.Supervisor.Configuration;

namespace FdHandoff.Tests.Unit;

public sealed class CommandLineTests
{
    [Fact]
    public void Friendly_switches_become_configuration_keys()
    {
        var (args, config) = CommandLine.Normalize(["--listen", "http=tcp://127.0.0.1:8080", "--workers", "4", "--worker", "./app", "--control-socket", "/run/x.sock", "--config", "f.json", "--Workers:DrainTimeout=00:00:03"]);

        Assert.Equal(["--Listeners:http=tcp://127.0.0.1:8080", "--Workers:Count=4", "--Workers:Command=./app", "--ControlSocket=/run/x.sock", "--Workers:DrainTimeout=00:00:03"], args);
        Assert.Equal("f.json", config);
    }

    [Fact]
    public void Every_switch_names_a_defined_key()
    {
        var (args, _) = CommandLine.Normalize(["--listen", "http=tcp://127.0.0.1:8080", "--workers", "4", "--worker", "./app", "--control-socket", "/run/x.sock"]);

        foreach (string arg in args)
        {
            string path = arg[2..arg.IndexOf('=')];
            Assert.Contains(SupervisorSettings.Keys, k => k.Path == path || k.Kind == ValueKind.Map && path.StartsWith(k.Path + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_listen_without_a_name_says_how_to_write_it()
    {
        var e = Assert.Throws<SupervisorException>(() => CommandLine.Normalize(["--listen", "tcp://127.0.0.1:8080"]));
        Assert.Equal("--listen tcp://127.0.0.1:8080: write it as name=tcp://127.0.0.1:8080", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Fact]
    public void A_switch_without_its_value_is_an_error()
    {
        Assert.Equal("--workers needs a value", Assert.Throws<SupervisorException>(() => CommandLine.Normalize(["--workers"])).Message);
    }

    [Fact]
    public void The_same_listen_name_twice_is_an_error_not_a_silent_override()
    {
        var e = Assert.Throws<SupervisorException>(() => CommandLine.Normalize(["--listen", "http=tcp://127.0.0.1:1", "--listen", "HTTP=tcp://127.0.0.1:2"]));
        Assert.Equal("--listen HTTP is given twice (tcp://127.0.0.1:1 and tcp://127.0.0.1:2): give each listener its own name, e.g. --listen HTTP2=tcp://127.0.0.1:2", e.Message);
        Assert.Equal(2, e.ExitCode);
    }
}
