using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace FdHandoff.Tests.Infrastructure;

/// <summary>
/// Debian's real <c>prometheus</c> server (tests/apt-packages.txt) scraping one target every 500 ms, with its
/// storage in a temporary directory. Disposing stops it and removes the directory.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Executable = "/usr/bin/prometheus";

    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Process _process;
    private readonly string _dir;

    private PrometheusServer(Process process, string dir, string address, OutputLog log)
    {
        _process = process;
        _dir = dir;
        Address = address;
        Log = log;
    }

    public string Address { get; }
    public OutputLog Log { get; }

    public static async Task<PrometheusServer> StartAsync(string target)
    {
        string dir = Directory.CreateTempSubdirectory("fdh-prometheus-").FullName;
        string config = Path.Combine(dir, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 500ms
              scrape_timeout: 400ms
            scrape_configs:
              - job_name: fdhandoff
                static_configs:
                  - targets: ['{target}']
            """);
        string address = $"127.0.0.1:{FreePort.Next()}";
        var start = new ProcessStartInfo(Executable) { WorkingDirectory = dir };
        foreach (string a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(dir, "data")}", $"--web.listen-address={address}" })
            start.ArgumentList.Add(a);
        var log = new OutputLog();
        var process = LoggedProcess.Start(start, log);
        var server = new PrometheusServer(process, dir, address, log);
        // Prometheus's own words (not an event of ours); a Prometheus that exits ends this wait at once.
        await log.WaitForAsync("Server is ready to receive web requests", TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>An instant query through the HTTP API: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        string json = await Client.GetStringAsync($"http://{Address}/api/v1/query?query={Uri.EscapeDataString(promql)}");
        using var doc = JsonDocument.Parse(json);
        var result = new List<(Dictionary<string, string>, double)>();
        foreach (var series in doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
            double value = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
            result.Add((labels, value));
        }
        return result;
    }

    /// <summary>
    /// Queries until the single value of <paramref name="promql"/> is <paramref name="expected"/> or the
    /// deadline passes; returns the last value seen (NaN for no series). Each scrape is an event we cannot
    /// subscribe to, so the API is asked again every 250 ms.
    /// </summary>
    public async Task<double> WaitForValueAsync(string promql, double expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        double last = double.NaN;
        while (true)
        {
            var series = await QueryAsync(promql);
            last = series.Count == 1 ? series[0].Value : double.NaN;
            if (last == expected || deadline.Elapsed > timeout) return last;
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        _process.Dispose();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
