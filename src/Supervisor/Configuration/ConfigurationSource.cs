using System.Collections;
using System.Security.Cryptography;
using FdHandoff.Supervisor.Cli;
using Microsoft.Extensions.Configuration;

namespace FdHandoff.Supervisor.Configuration;

/// <summary>
/// Where the supervisor's configuration comes from, read at start and again at every reload: the same file
/// (appsettings.json beside the binary, or <c>--config FILE</c>), then the <c>FDHANDOFF_*</c> variables and the
/// command line, both fixed at start (a process cannot see its environment or arguments change) and layered
/// on top as at start. Every key is checked (<see cref="ConfigurationSchema"/>) before the settings are built.
/// </summary>
internal sealed class ConfigurationSource
{
    public const string EnvironmentPrefix = "FDHANDOFF_";

    // FDHANDOFF_* variables that are not supervisor settings: the log target, the CLI's socket, and what a
    // worker is given (a supervisor started from a worker's environment inherits them).
    private static readonly string[] NotSettings = ["FDHANDOFF_LOG", "FDHANDOFF_CONTROL_SOCKET", "FDHANDOFF_SOCKET", "FDHANDOFF_TOKEN", "FDHANDOFF_GENERATION", "FDHANDOFF_SLOT"];

    private readonly ConfigurationLayer _environment;
    private readonly ConfigurationLayer _commandLine;

    private ConfigurationSource(string file, bool given, ConfigurationLayer environment, ConfigurationLayer commandLine)
    {
        File = file;
        Given = given;
        _environment = environment;
        _commandLine = commandLine;
    }

    /// <summary>The configuration file, as a full path.</summary>
    public string File { get; }

    /// <summary>True when named by <c>--config</c>: then it must exist; the default file may be absent.</summary>
    public bool Given { get; }

    /// <summary>Takes the command line and the environment as they are now; reads no file yet.</summary>
    public static ConfigurationSource FromArgs(string[] args)
    {
        var (configArgs, configFile) = CommandLine.Normalize(args);
        string file = configFile is null ? Path.Combine(AppContext.BaseDirectory, "appsettings.json") : Path.GetFullPath(configFile);
        var environment = EnvironmentLayer();
        var commandLine = CommandLineLayer(configArgs);
        ConfigurationSchema.Check(environment);
        ConfigurationSchema.Check(commandLine);
        return new ConfigurationSource(file, configFile is not null, environment, commandLine);
    }

    /// <summary>Reads the file now and builds checked settings; a SupervisorException (exit code 2) says what is wrong.</summary>
    public SupervisorSettings Read()
    {
        var (layer, version) = ReadFile();
        return SettingsLoader.Load(ConfigurationLayer.Merge("configuration", layer, _environment, _commandLine)) with { Version = version };
    }

    private (ConfigurationLayer? Layer, ConfigurationVersion Version) ReadFile()
    {
        byte[] bytes;
        DateTime modified;
        try
        {
            bytes = System.IO.File.ReadAllBytes(File);
            modified = System.IO.File.GetLastWriteTimeUtc(File);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            if (!Given) return (null, ConfigurationVersion.None);
            throw new SupervisorException($"configuration file {File} does not exist: give the path of an existing file to --config", SupervisorException.ConfigurationError);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SupervisorException($"cannot read configuration file {File}: {e.Message}; make it readable by the supervisor's user", SupervisorException.ConfigurationError);
        }
        var layer = JsonConfigurationFile.Read(File, bytes);
        ConfigurationSchema.Check(layer);
        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes))[..12];
        return (layer, new ConfigurationVersion(File, hash, new DateTimeOffset(modified, TimeSpan.Zero)));
    }

    private static ConfigurationLayer EnvironmentLayer()
    {
        var layer = new ConfigurationLayer("environment");
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            string name = (string)entry.Key;
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase) || NotSettings.Contains(name, StringComparer.OrdinalIgnoreCase)) continue;
            // As the environment-variable provider maps them: FDHANDOFF_Workers__Count is Workers:Count.
            layer.Add(name[EnvironmentPrefix.Length..].Replace("__", ":"), (string?)entry.Value ?? "", $"environment variable {name}");
        }
        return layer;
    }

    private static ConfigurationLayer CommandLineLayer(string[] configArgs)
    {
        var layer = new ConfigurationLayer("command line");
        IConfiguration parsed;
        try
        {
            parsed = new ConfigurationBuilder().AddCommandLine(configArgs).Build();
        }
        catch (FormatException e)
        {
            throw new SupervisorException($"command line: {e.Message}", SupervisorException.ConfigurationError);
        }
        foreach (var (key, value) in parsed.AsEnumerable())
            if (value is not null)
                layer.Add(key, value, $"command line --{key}");
        return layer;
    }
}
