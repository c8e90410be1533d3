using System.Net;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// The endpoint Kestrel listens on for the worker's own warm-up requests. It has no address: the transport
/// (<see cref="DrainableConnectionListenerFactory"/>) binds it to a <see cref="WarmUpListener"/>, which only
/// yields connections the worker made to itself.
/// </summary>
internal sealed class WarmUpEndPoint : EndPoint
{
    /// <summary>What Kestrel shows for it (<c>http://fdhandoff-warm-up</c>, removed from the app's addresses after the warm-up).</summary>
    public const string Name = "fdhandoff-warm-up";

    public override string ToString() => Name;
}
