using System.Net;
using FdHandoff.Tests.Infrastructure;
using Microsoft.Win32.SafeHandles;

namespace FdHandoff.Tests.Integration.Security;

/// <summary>
/// The set-up every control-socket attack starts from: a supervisor serving generation 1 on the default
/// listeners, with what the attack must not change recorded first (its workers, its open descriptors).
/// Files whose descriptors the attacker passes, and the client load, are opened on request and closed
/// at dispose, before the supervisor is stopped.
/// </summary>
internal sealed class ServingSupervisor : IAsyncDisposable
{
    private readonly List<SafeFileHandle> _passed = [];

    private ServingSupervisor(SupervisorProcess process, int httpPort)
    {
        Process = process;
        HttpPort = httpPort;
    }

    public SupervisorProcess Process { get; }
    public int HttpPort { get; }
    public IPEndPoint Http => new(IPAddress.Loopback, HttpPort);
    public IReadOnlyList<Protocol.WorkerStatus> Workers { get; private set; } = [];
    public HashSet<int> WorkerPids => Workers.Select(w => w.Pid).ToHashSet();

    /// <summary>The supervisor's descriptors once it served, before any attack.</summary>
    public IReadOnlyList<string> DescriptorsBefore { get; private set; } = [];

    /// <summary>Starts the supervisor (with <paramref name="extraArgs"/>), waits until it serves, records workers and descriptors.</summary>
    public static async Task<ServingSupervisor> StartAsync(params string[] extraArgs)
    {
        var options = SupervisorOptions.WithDefaultListeners(out int http, out _);
        var serving = new ServingSupervisor(SupervisorProcess.Start(options, extraArgs), http);
        try
        {
            await serving.Process.WaitServingAsync();
            serving.Workers = serving.Process.Status().Workers;
            serving.DescriptorsBefore = serving.Process.OpenDescriptors();
            return serving;
        }
        catch
        {
            await serving.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A descriptor of ours to attach to hostile messages: a file in the supervisor's directory, open until
    /// dispose. Every copy the supervisor receives must be closed by it.
    /// </summary>
    public int OpenDescriptorToPass(string name, string content)
    {
        string path = Path.Combine(Process.Directory, name);
        File.WriteAllText(path, content);
        var file = File.OpenHandle(path);
        _passed.Add(file);
        return (int)file.DangerousGetHandle();
    }

    /// <summary>HTTP load on the v4 listener, once it has had <paramref name="successes"/> successes.</summary>
    public async Task<HttpLoad> StartLoadAsync(int clients, bool keepAlive, int successes)
    {
        var load = HttpLoad.Start(Http, clients, keepAlive);
        try
        {
            await load.WaitForMoreSuccessesAsync(successes, TimeSpan.FromSeconds(30));
            return load;
        }
        catch
        {
            await load.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _passed) file.Dispose();
        await Process.DisposeAsync();
    }
}
