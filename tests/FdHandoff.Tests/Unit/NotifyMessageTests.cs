using System.Text;
using FdHandoff.Supervisor.AnyProgram;
using FdHandoff.Unix;

namespace FdHandoff.Tests.Unit;

/// <summary>sd_notify datagrams as the supervisor reads them, and the signal names Workers:DrainSignal takes.</summary>
public sealed class NotifyMessageTests
{
    [Fact]
    public void Assignments_are_read_line_by_line_and_lines_without_a_name_are_skipped()
    {
        var parsed = NotifyMessage.Parse(Encoding.UTF8.GetBytes("READY=1\nSTATUS=serving a=b\n\ngarbage\n=x\nMAINPID=42"));

        Assert.Equal([("READY", "1"), ("STATUS", "serving a=b"), ("MAINPID", "42")], parsed);
    }

    [Fact]
    public void At_most_64_assignments_of_a_datagram_are_read()
    {
        var flood = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"X{i}=1"));

        Assert.Equal(NotifyMessage.MaxAssignments, NotifyMessage.Parse(Encoding.UTF8.GetBytes(flood)).Count);
    }

    [Theory]
    [InlineData("SIGTERM", 15)]
    [InlineData("TERM", 15)]
    [InlineData("sigquit", 3)]
    [InlineData("10", 10)]
    [InlineData("SIGFOO", null)]
    [InlineData("0", null)]
    [InlineData("", null)]
    public void Signal_names_numbers_and_nonsense(string text, int? expected) => Assert.Equal(expected, SignalName.Parse(text));
}
