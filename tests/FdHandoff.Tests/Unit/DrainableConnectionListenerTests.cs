using System.Net;
using FdHandoff.Client.AspNetCore;
using Microsoft.AspNetCore.Connections;

namespace FdHandoff.Tests.Unit;

/// <summary>
/// The worker's listener wrapper: no accept before the warm-up gate opens, and a stop that waits for the accept in
/// progress, so a connection that won the race against the stop is counted before the drain looks at the count.
/// </summary>
public sealed class DrainableConnectionListenerTests
{
    [Fact]
    public async Task A_connection_accepted_as_accepting_stops_is_counted_before_the_stop_completes()
    {
        var inner = new ControlledListener(acceptWon: true);
        var state = new DrainState();
        var gate = new AcceptGate();
        gate.Open();
        var listener = new DrainableConnectionListener(inner, state, gate);

        var accept = listener.AcceptAsync();
        await inner.Accepting;
        var stop = listener.StopAcceptingAsync().AsTask();
        bool stopWaited = !stop.IsCompleted;
        inner.Deliver(); // accept4() had already returned when the cancellation came
        var connection = await accept;
        await stop;

        Assert.True(stopWaited, "the stop completed while an accept was still in progress");
        Assert.NotNull(connection);
        Assert.Equal(1, state.OpenConnections);
        Assert.Null(await listener.AcceptAsync()); // and no accept after the stop
        Assert.Equal(1, inner.Accepts);
    }

    [Fact]
    public async Task Nothing_is_accepted_before_the_warm_up_gate_opens_and_a_stop_meanwhile_ends_the_wait()
    {
        var inner = new ControlledListener(acceptWon: false);
        var gate = new AcceptGate();
        var listener = new DrainableConnectionListener(inner, new DrainState(), gate);

        var held = listener.AcceptAsync().AsTask();
        await Task.Yield();
        Assert.False(held.IsCompleted);
        Assert.Equal(0, inner.Accepts);

        gate.Open();
        await inner.Accepting; // the gate let it through to the socket
        inner.Deliver();
        Assert.NotNull(await held);

        var second = listener.AcceptAsync().AsTask();
        await inner.Accepting;
        await listener.StopAcceptingAsync(); // as a real socket accept, this one ends with the cancellation
        Assert.Null(await second);
        Assert.Equal(2, inner.Accepts);
    }

    /// <summary>
    /// An accept that completes when the test says so. With <paramref name="acceptWon"/> it ignores cancellation, as a
    /// socket accept that already had its connection when the cancellation came; otherwise it ends with it.
    /// </summary>
    private sealed class ControlledListener(bool acceptWon) : IConnectionListener
    {
        private TaskCompletionSource<ConnectionContext?> _next = New();
        private TaskCompletionSource _accepting = New0();

        public int Accepts { get; private set; }
        public Task Accepting => _accepting.Task;
        public EndPoint EndPoint { get; } = new IPEndPoint(IPAddress.Loopback, 0);

        public void Deliver() => _next.TrySetResult(new DefaultConnectionContext("test"));

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            Accepts++;
            var next = _next;
            _accepting.TrySetResult();
            using var cancel = acceptWon ? default : cancellationToken.Register(() => next.TrySetCanceled(cancellationToken));
            var connection = await next.Task;
            _next = New();
            _accepting = New0();
            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static TaskCompletionSource<ConnectionContext?> New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
        private static TaskCompletionSource New0() => new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
