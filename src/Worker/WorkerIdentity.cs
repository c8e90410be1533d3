namespace FdHandoff.Worker;

/// <summary>Who answers: clients and tests see the pid and generation in every response body.</summary>
public sealed record WorkerIdentity(int Pid, int Generation)
{
    private readonly byte[] _greeting = System.Text.Encoding.ASCII.GetBytes($"hello from worker pid {Pid} generation {Generation}\n");

    /// <summary>Writes the greeting with a Content-Length (no chunking: the cheapest response Kestrel makes).</summary>
    public Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = "text/plain";
        context.Response.ContentLength = _greeting.Length;
        return context.Response.Body.WriteAsync(_greeting).AsTask();
    }
}
