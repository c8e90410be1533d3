namespace FdHandoff.Tests.Infrastructure;

/// <summary>GET /healthz or /readyz as a balancer would: the status code and the one-line body.</summary>
internal static class HealthProbe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(int Status, string Body)> GetAsync(string address, string path)
    {
        using var response = await Client.GetAsync($"http://{address}{path}");
        return ((int)response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }
}
