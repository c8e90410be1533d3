using FdHandoff.Client.AspNetCore;

namespace FdHandoff.Tests.Unit;

/// <summary>How FdHandoffWorker:WarmUp and FdHandoffWorker:WarmUpTimeout are read, and how a warm-up answer's status is read.</summary>
public sealed class WarmUpSettingsTests
{
    [Theory]
    [InlineData("/", new[] { "/" })]
    [InlineData("/, /health ,/ready?deep=1", new[] { "/", "/health", "/ready?deep=1" })]
    [InlineData("", new string[0])]
    [InlineData(" , ", new string[0])]
    public void Warm_up_paths_are_read_as_a_comma_separated_list_and_empty_turns_it_off(string value, string[] paths) =>
        Assert.Equal(paths, FdHandoffWorkerSettings.ParseWarmUp(value));

    [Theory]
    [InlineData("health")]
    [InlineData("/a b")]
    [InlineData("http://localhost/")]
    [InlineData("/café")]
    public void A_warm_up_value_that_is_not_a_path_is_one_line_saying_what_to_write(string value)
    {
        var e = Assert.Throws<FdHandoffConfigurationException>(() => FdHandoffWorkerSettings.ParseWarmUp(value));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("FdHandoffWorker:WarmUp: '", e.Message);
        Assert.Contains("write paths that start with '/'", e.Message);
    }

    [Fact]
    public void The_warm_up_limit_is_a_positive_duration_in_the_supervisors_format()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), FdHandoffWorkerSettings.ParseWarmUpTimeout("00:00:05"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), FdHandoffWorkerSettings.ParseWarmUpTimeout("00:00:00.5"));
        foreach (var bad in new[] { "0", "5", "00:00:00", "-00:00:01", "5s" }) // "5" would be five days to TimeSpan
        {
            var e = Assert.Throws<FdHandoffConfigurationException>(() => FdHandoffWorkerSettings.ParseWarmUpTimeout(bad));
            Assert.Equal($"FdHandoffWorker:WarmUpTimeout: '{bad}' is not a positive duration; write it as hh:mm:ss (\"00:00:10\")", e.Message);
        }
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\n", 200)]
    [InlineData("HTTP/1.1 503 Service Unavailable\r\n", 503)]
    [InlineData("HTTP/1.0 404 Not Found\r\n", 404)]
    [InlineData("HTTP/1.1 2x0 OK\r\n", 0)]
    [InlineData("HTTP/1.1 20", 0)]
    [InlineData("", 0)]
    [InlineData("SSH-2.0-OpenSSH\r\n", 0)]
    public void A_warm_up_answers_status_is_read_from_its_status_line(string head, int status) =>
        Assert.Equal(status, WarmUp.StatusOf(System.Text.Encoding.ASCII.GetBytes(head)));
}
