namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Holds back every accept on the handed-off listeners until the worker has warmed up: connections wait in
/// the shared accept queue, where the serving generation takes them, instead of meeting a cold request path.
/// </summary>
internal sealed class AcceptGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once accepting may begin.</summary>
    public Task WhenOpen => _open.Task;

    public bool IsOpen => _open.Task.IsCompleted;

    public void Open() => _open.TrySetResult();
}
