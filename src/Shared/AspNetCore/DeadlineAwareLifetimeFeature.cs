using Microsoft.AspNetCore.Http.Features;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// The request's <c>RequestAborted</c>, which also fires when the drain deadline is near, so the app's work
/// stops while there is still time to answer. Linked lazily: a handler that never looks at
/// <c>RequestAborted</c> costs one small object per request, nothing more.
/// </summary>
internal sealed class DeadlineAwareLifetimeFeature(IHttpRequestLifetimeFeature inner, CancellationToken deadline)
    : IHttpRequestLifetimeFeature, IDisposable
{
    private CancellationTokenSource? _linked;
    private CancellationToken? _replaced;

    public CancellationToken RequestAborted
    {
        get
        {
            if (_replaced is { } token) return token;
            _linked ??= CancellationTokenSource.CreateLinkedTokenSource(inner.RequestAborted, deadline);
            return _linked.Token;
        }
        set => _replaced = value;
    }

    /// <summary>The client went away (not our deadline).</summary>
    public bool ClientAborted => inner.RequestAborted.IsCancellationRequested;

    public void Abort() => inner.Abort();

    public void Dispose() => _linked?.Dispose();
}
