using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FdHandoff.Client.AspNetCore;

/// <summary>
/// A request still running when the drain deadline nears is stopped through its <c>RequestAborted</c> and, if
/// nothing was sent yet, answered <c>503</c> with <c>Connection: close</c>: the client gets an answer and a
/// clean close instead of a connection cut by the supervisor's SIGKILL. A response already under way is
/// ended by Kestrel. Either is counted in <see cref="DrainState.RequestsCutAtDeadline"/>.
/// </summary>
internal sealed class RequestDeadlineStartupFilter(DrainState state) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var inner = context.Features.Get<IHttpRequestLifetimeFeature>();
            if (inner is null)
            {
                await nextMiddleware(context).ConfigureAwait(false);
                return;
            }
            using var lifetime = new DeadlineAwareLifetimeFeature(inner, state.RequestDeadline);
            context.Features.Set<IHttpRequestLifetimeFeature>(lifetime);
            try
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (state.RequestDeadline.IsCancellationRequested && !lifetime.ClientAborted)
            {
                state.RequestCutAtDeadline();
                if (context.Response.HasStarted) throw;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.Connection = "close";
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("the worker reached its drain deadline before this request finished; retry\n").ConfigureAwait(false);
            }
            finally
            {
                context.Features.Set(inner);
            }
        });
        next(app);
    };
}
