using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// Puts <c>Connection: close</c> on every response while draining, so keep-alive clients finish their
/// request and reconnect to the next generation instead of meeting a closed connection mid-request.
/// </summary>
internal sealed class ConnectionCloseStartupFilter(DrainState state) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Response.OnStarting(static s =>
            {
                var (ctx, drain) = ((Microsoft.AspNetCore.Http.HttpContext, DrainState))s;
                if (drain.Draining) ctx.Response.Headers.Connection = "close";
                return Task.CompletedTask;
            }, (context, state));
            return nextMiddleware(context);
        });
        next(app);
    };
}
