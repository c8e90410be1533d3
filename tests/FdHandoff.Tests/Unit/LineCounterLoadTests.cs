using FdHandoff.Tests.Infrastructure;

namespace FdHandoff.Tests.Unit;

/// <summary>
/// The counter-protocol clients against <see cref="CounterTestServer"/>: clean when the server is
/// right, and each fault an upgrade could cause (n reset or skipped, a line answered twice, the
/// connection closed or reset) is seen and named.
/// </summary>
public sealed class LineCounterLoadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Load_against_a_correct_server_sees_every_line_answered_once_with_split_lines_arriving_in_pieces()
    {
        await using var server = new CounterTestServer();
        var load = LineCounterLoad.Start(server.EndPoint, 8, new LineCounterLoadOptions { Window = 2, SplitProbability = 0.3 });
        await load.WaitForMoreLinesAsync(3000, Timeout);
        var result = await load.StopAsync();

        Assert.True(result.Clean, result.ToString());
        Assert.Equal(8, result.ConnectionsOpened);
        Assert.Equal(8, result.ConnectionsOpenAtStop);
        Assert.Equal(result.LinesSent, result.LinesAnswered);
        Assert.Equal(server.Lines, result.LinesAnswered);
        Assert.True(result.LinesSplit > 0, result.ToString());
        Assert.True(server.PartialReads > 0, "no split line reached the server in pieces");
        Assert.Equal(result.LinesAnswered, result.Timings.Count);
        Assert.True(result.LatencyPercentile(99) > TimeSpan.Zero);
    }

    [Theory]
    [InlineData(CounterFault.ResetN, LineCounterCheck.Reset)]
    [InlineData(CounterFault.SkipN, LineCounterCheck.Skipped)]
    [InlineData(CounterFault.Duplicate, LineCounterCheck.Duplicate)]
    public async Task Load_names_an_answer_with_the_wrong_count_as_a_protocol_error(CounterFault fault, string kind)
    {
        await using var server = new CounterTestServer(fault, faultAtLine: 50);
        var load = LineCounterLoad.Start(server.EndPoint, 4);
        await load.FirstProblem.WaitAsync(Timeout);
        var result = await load.StopAsync();

        Assert.False(result.Clean);
        Assert.Equal(1, result.ProtocolErrors);
        Assert.Equal(1, result.Failures[kind]);
        Assert.Contains(result.FirstErrors, e => e.Contains(kind));
        Assert.Equal(0, result.Disconnects);
    }

    [Theory]
    [InlineData(CounterFault.Close, "disconnect: EOF")]
    [InlineData(CounterFault.Reset, "disconnect: reset")]
    public async Task Load_counts_a_connection_the_server_cut_as_a_disconnect_and_its_line_as_unanswered(CounterFault fault, string kind)
    {
        await using var server = new CounterTestServer(fault, faultAtLine: 50);
        var load = LineCounterLoad.Start(server.EndPoint, 4);
        await load.FirstProblem.WaitAsync(Timeout);
        var result = await load.StopAsync();

        Assert.False(result.Clean);
        Assert.Equal(1, result.Disconnects);
        Assert.Equal(1, result.Failures[kind]);
        Assert.Equal(1, result.Unanswered);
        Assert.Equal(1, result.ConnectionsOpened - result.ConnectionsOpenAtStop); // a replacement may or may not be open yet
        Assert.Equal(0, result.ProtocolErrors);
    }

    [Fact]
    public async Task Connection_exchange_counts_on_across_a_split_line_and_names_a_skipped_n()
    {
        await using var server = new CounterTestServer(CounterFault.SkipN, faultAtLine: 3);
        using var connection = await LineCounterConnection.ConnectAsync(server.EndPoint);

        Assert.Equal(1, await connection.ExchangeAsync("first"));
        Assert.Equal(2, await connection.ExchangeAsync("second, in two pieces", splitAt: 7, pause: TimeSpan.FromMilliseconds(20)));
        var e = await Assert.ThrowsAsync<LineCounterMismatchException>(() => connection.ExchangeAsync("third"));
        Assert.Equal(LineCounterCheck.Skipped, e.Kind);
        Assert.True(server.PartialReads > 0);
    }
}
