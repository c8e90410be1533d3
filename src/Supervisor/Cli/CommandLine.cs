namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// Friendly switches mapped onto configuration keys, so a person can type
/// <c>fdhandoff --listen http=tcp://127.0.0.1:8080 --workers 4 --worker ./my-app</c>.
/// Anything else passes through to Microsoft.Extensions.Configuration (<c>--Workers:Count=4</c>).
/// </summary>
internal static class CommandLine
{
    public static (string[] ConfigArgs, string? ConfigFile) Normalize(string[] args)
    {
        var output = new List<string>();
        string? configFile = null;
        var listened = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? Value() => i + 1 < args.Length ? args[++i]
                : throw new SupervisorException($"{arg} needs a value", SupervisorException.ConfigurationError);
            switch (arg)
            {
                case "--listen":
                    string spec = Value()!;
                    int eq = spec.IndexOf('=');
                    if (eq <= 0)
                        throw new SupervisorException($"--listen {spec}: write it as name=tcp://127.0.0.1:8080", SupervisorException.ConfigurationError);
                    // Configuration keys ignore case: a second --listen of a name would silently replace the first.
                    if (listened.TryGetValue(spec[..eq], out string? first))
                        throw new SupervisorException($"--listen {spec[..eq]} is given twice ({first} and {spec[(eq + 1)..]}): give each listener its own name, e.g. --listen {spec[..eq]}2={spec[(eq + 1)..]}", SupervisorException.ConfigurationError);
                    listened[spec[..eq]] = spec[(eq + 1)..];
                    output.Add($"--Listeners:{spec[..eq]}={spec[(eq + 1)..]}");
                    break;
                case "--workers":
                    output.Add($"--Workers:Count={Value()}");
                    break;
                case "--worker":
                    output.Add($"--Workers:Command={Value()}");
                    break;
                case "--control-socket":
                    output.Add($"--ControlSocket={Value()}");
                    break;
                case "--config":
                    configFile = Value();
                    break;
                default:
                    output.Add(arg);
                    break;
            }
        }
        return (output.ToArray(), configFile);
    }
}
